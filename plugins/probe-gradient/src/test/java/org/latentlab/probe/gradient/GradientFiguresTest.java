package org.latentlab.probe.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The table drawn as G(t) against the latent step from hand-made reports, whose cells come back from JSON as Integer,
 * Double or text, with empty cells left out; a span of decades is drawn as log10 G.
 */
class GradientFiguresTest {

    private final GradientProbe probe = new GradientProbe();

    /** Cells as JSON gives them back: steps as Integer or text, G as Double, Integer or text, and an empty median. */
    @Test
    void meanAndMedianLinesAgainstTheStepFromCellsOfAnyKind() {
        List<List<Object>> rows = List.of(
                List.of(1, 4, 0.5, "0.25"),
                List.of("2", 3, 2, ""),
                List.of(3, 3, "1.5", 1.0));
        ProbeReport report = report(rows, "answer");
        List<Figure> figures = probe.figures(report);
        assertEquals(1, figures.size());
        Figure figure = figures.get(0);
        assertEquals(GradientFigures.NAME, figure.name());
        assertEquals(Figure.Kind.LINE, figure.kind());
        assertEquals(GradientFigures.LINEAR_LABEL, figure.yLabel(), "0.25 to 2 is not decades apart");
        assertEquals(List.of("mean", "median"), figure.series().stream().map(Figure.Series::label).toList());
        assertEquals(List.of(1.0, 2.0, 3.0), figure.series().get(0).x());
        assertEquals(List.of(0.5, 2.0, 1.5), figure.series().get(0).y());
        assertEquals(List.of(1.0, 3.0), figure.series().get(1).x(), "step 2's median is empty");
        assertEquals(List.of(0.25, 1.0), figure.series().get(1).y());
        assertTrue(figure.caption().contains("answer tokens' cross-entropy"), figure.caption());
        assertFalse(figure.caption().contains("left out"), figure.caption());
        assertTrue(figure.markers().isEmpty());
    }

    /** A gradient fading over decades is drawn as log10 G, said in the axis label; a G of 0 is left out and named. */
    @Test
    void valuesSpanningDecadesAreDrawnAsLog10AndZerosAreNamed() {
        List<Double> means = List.of(0.0, 3e-5, 2e-3, 0.8);
        List<Double> medians = List.of(0.0, 1e-5, 1e-3, 0.5);
        List<List<Object>> rows = new ArrayList<>();
        for (int t = 0; t < means.size(); t++) {
            rows.add(List.of(t + 1, 8, means.get(t), medians.get(t)));
        }
        Figure figure = probe.figures(report(rows, "training")).get(0);
        assertEquals(GradientFigures.LOG_LABEL, figure.yLabel());
        assertTrue(figure.yLabel().startsWith("log10"));
        for (int s = 0; s < 2; s++) {
            List<Double> table = s == 0 ? means : medians;
            Figure.Series series = figure.series().get(s);
            assertEquals(List.of(2.0, 3.0, 4.0), series.x(), "step 1's G of 0 has no logarithm");
            for (int i = 0; i < series.x().size(); i++) {
                assertEquals(Math.log10(table.get(i + 1)), series.y().get(i), 1e-12);
            }
        }
        assertTrue(figure.caption().contains("log10"), figure.caption());
        assertTrue(figure.caption().contains("left out: step 1."), figure.caption());
        assertTrue(figure.caption().contains("training objective"), figure.caption());
    }

    /** The threshold: a span of exactly two decades stays linear, anything wider is drawn as log10 G. */
    @Test
    void theScaleTurnsLogarithmicBeyondTwoDecades() {
        double edge = GradientFigures.LOG_SPAN;
        Figure linear = probe.figures(report(List.of(List.of(1, 2, 1.0, 1.0), List.of(2, 2, edge, edge)), "answer")).get(0);
        assertEquals(GradientFigures.LINEAR_LABEL, linear.yLabel());
        assertEquals(List.of(1.0, edge), linear.series().get(0).y());
        Figure log = probe.figures(report(List.of(List.of(1, 2, 1.0, 1.0), List.of(2, 2, 1.01 * edge, 1.0)), "answer")).get(0);
        assertEquals(GradientFigures.LOG_LABEL, log.yLabel());
        assertEquals(List.of(0.0, Math.log10(1.01 * edge)), log.series().get(0).y());
    }

    /** No table, a table without rows (a stage without latent steps) or without a usable cell: no figure, no failure. */
    @Test
    void aReportWithoutStepsHasNoFigures() {
        assertEquals(List.of(), probe.figures(new ProbeReport(GradientProbe.NAME, Map.of(), List.of())));
        assertEquals(List.of(), probe.figures(new ProbeReport(GradientProbe.NAME, Map.of("steps", 0.0), List.of(
                new ProbeTable("options", List.of("option", "value"), List.of(List.of("loss", "answer")))))));
        assertEquals(List.of(), probe.figures(report(List.of(), "answer")));
        assertEquals(List.of(), probe.figures(report(List.of(List.of(1, 0, "", ""), List.of("", 2, 1.0, 1.0)), "answer")));
    }

    /** A report without its options table still draws, naming no loss. */
    @Test
    void aReportWithoutOptionsStillDraws() {
        ProbeReport report = new ProbeReport(GradientProbe.NAME, Map.of(), List.of(new ProbeTable(GradientProbe.TABLE,
                GradientProbe.COLUMNS, List.of(List.of(1, 2, 0.3, 0.2), List.of(2, 2, 0.6, 0.7)))));
        Figure figure = probe.figures(report).get(0);
        assertEquals(List.of(0.3, 0.6), figure.series().get(0).y());
        assertEquals(List.of(0.2, 0.7), figure.series().get(1).y());
        assertTrue(figure.caption().contains("the probe's loss"), figure.caption());
    }

    private static ProbeReport report(List<List<Object>> rows, String loss) {
        return new ProbeReport(GradientProbe.NAME, Map.of(), List.of(new ProbeTable(GradientProbe.TABLE, GradientProbe.COLUMNS, rows),
                new ProbeTable("options", List.of("option", "value"), List.of(List.of("examples", 4), List.of("batchSize", 3),
                        List.of("loss", loss)))));
    }
}
