package org.latentlab.api.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a plugin may rely on when it builds a figure: a malformed one is refused at once with a sentence naming it. */
class FigureTest {

    @Test
    void notesGoOnePerValueAndMayLeaveAPointBlank() {
        Figure.Series series = Figure.Series.points("rank 1", List.of(1.0, 2.0), List.of(0.6, 0.4)).withNotes(Arrays.asList("wumpus", null));
        assertEquals(Arrays.asList("wumpus", null), series.notes());
        assertEquals(List.of(), Figure.Series.points("rank 1", List.of(1.0), List.of(0.6)).notes(), "no notes unless given");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> Figure.Series.points("rank 1", List.of(1.0, 2.0), List.of(0.6, 0.4)).withNotes(List.of("wumpus")));
        assertEquals("The series 'rank 1' has 1 notes and 2 values.", refused.getMessage());
    }

    @Test
    void mismatchedSeriesAndBadNamesAreRefused() {
        assertEquals("The series 'loss' has 2 x values and 1 y values.", assertThrows(IllegalArgumentException.class,
                () -> Figure.Series.points("loss", List.of(1.0, 2.0), List.of(0.5))).getMessage());
        assertEquals("A figure's name is lower-case letters, digits, '.', '_' and '-', not Loss Curve.", assertThrows(
                IllegalArgumentException.class,
                () -> new Figure("Loss Curve", "Loss", Figure.Kind.LINE, "step", "loss", List.of(), List.of(), null)).getMessage());
    }
}
