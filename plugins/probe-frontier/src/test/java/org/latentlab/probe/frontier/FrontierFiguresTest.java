package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The report drawn as the paper reads it; cells may come back from JSON as any kind of number. */
class FrontierFiguresTest {

    @Test
    void valueByHeightIsOneLinePerKAndAnswersAreBarsPerClass() {
        ProbeReport report = new ProbeReport("frontier", Map.of(), List.of(
                new ProbeTable(FrontierValues.BY_HEIGHT, List.of("thoughts k", "height", "nodes", "mean value"), List.of(
                        List.of(1, 0, 10, 0.1), List.of(1, 1, 8, 0.3), List.of(2, 0, 9, 0.05), List.of(2, 2L, 3, 0.6))),
                new ProbeTable(OutputCounts.OUTPUTS, List.of("thoughts k", "class", "count", "fraction"), List.of(
                        List.of(1, "correct path", 6, 0.6), List.of(1, "wrong target", 4, 0.4), List.of(2, "correct path", 9, 0.9)))));
        List<Figure> figures = new FrontierProbe().figures(report);
        assertEquals(List.of("value-by-height", "outputs"), figures.stream().map(Figure::name).toList());

        Figure values = figures.get(0);
        assertEquals(List.of("k = 1", "k = 2"), values.series().stream().map(Figure.Series::label).toList());
        assertEquals(List.of(0.0, 1.0), values.series().get(0).x());
        assertEquals(List.of(0.05, 0.6), values.series().get(1).y());

        Figure outputs = figures.get(1);
        assertEquals(List.of("correct path", "wrong target"), outputs.series().get(0).categories());
        assertEquals(List.of(0.9, 0.0), outputs.series().get(1).y(), "a class k = 2 never produced counts 0");
    }

    @Test
    void aReportWithoutTheTablesHasNoFigures() {
        assertEquals(List.of(), new FrontierProbe().figures(new ProbeReport("frontier", Map.of(), List.of())));
    }
}
