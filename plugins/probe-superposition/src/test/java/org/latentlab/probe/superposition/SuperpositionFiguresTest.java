package org.latentlab.probe.superposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The probe's figures from reports made by hand, such as one read back from JSON long after its run. */
class SuperpositionFiguresTest {

    private final SuperpositionProbe probe = new SuperpositionProbe();

    @Test
    void cellsOfAnyNumberKindOrStringArePlottedAndEmptyOnesLeftOut() {
        // step, examples, reachableMass, writtenStepMass, paths>thr (model), reachable>thr, paths>thr (ideal), entropy, ideal entropy, KL
        ProbeReport report = new ProbeReport("superposition", Map.of("step1.idealWrittenStepMass", 0.5, "step3.idealWrittenStepMass", 0.125,
                "step2.writtenStepMass", 0.9), List.of(new ProbeTable(StepTally.TABLE, StepTally.COLUMNS, List.of(
                        List.of(1, 10, 0.95, 0.6, 2.0, 2.0, 2.0, 0.6, 0.69, 0.1),
                        List.of(2L, 10, "0.8", "", 3.0, 2.0, 4.0, "1.1", 1.39, ""),
                        List.of("3", 9, 0.7f, "0.3", 2.0, 1.0, 8.0, 0.9, "2.08", 1.25)))));
        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("entropy", "mass"), figures.stream().map(Figure::name).toList());

        Figure entropy = figures.get(0);
        assertEquals(Figure.Kind.LINE, entropy.kind());
        assertEquals("nats", entropy.yLabel());
        assertTrue(entropy.markers().isEmpty());
        assertSeries(entropy.series().get(0), "model entropy", List.of(1.0, 2.0, 3.0), List.of(0.6, 1.1, 0.9));
        assertSeries(entropy.series().get(1), "ideal entropy", List.of(1.0, 2.0, 3.0), List.of(0.69, 1.39, 2.08));
        assertSeries(entropy.series().get(2), "KL(ideal || model)", List.of(1.0, 3.0), List.of(0.1, 1.25));

        Figure mass = figures.get(1);
        assertEquals("probability", mass.yLabel());
        assertSeries(mass.series().get(0), "reachable words", List.of(1.0, 2.0, 3.0), List.of(0.95, 0.8, (double) 0.7f));
        assertSeries(mass.series().get(1), "written step (model)", List.of(1.0, 3.0), List.of(0.6, 0.3));
        assertSeries(mass.series().get(2), "written step (ideal)", List.of(1.0, 3.0), List.of(0.5, 0.125));
        for (Figure figure : figures) {
            assertFalse(figure.title().isBlank());
            assertEquals("latent step", figure.xLabel());
            assertFalse(figure.caption().isBlank());
        }
    }

    @Test
    void aReportWithoutTheIdealScalarsStillDrawsWhatTheTableHolds() {
        ProbeReport report = new ProbeReport("superposition", Map.of(), List.of(new ProbeTable(StepTally.TABLE,
                List.of("step", "KL", "reachableMass"), List.of(List.of(1, 0.2, 1.0), List.of(2, 0.4, 0.5)))));
        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("entropy", "mass"), figures.stream().map(Figure::name).toList());
        assertEquals(List.of("KL(ideal || model)"), figures.get(0).series().stream().map(Figure.Series::label).toList());
        assertSeries(figures.get(1).series().get(0), "reachable words", List.of(1.0, 2.0), List.of(1.0, 0.5));
        assertEquals(1, figures.get(1).series().size());
    }

    @Test
    void aReportWithoutTheTableOrWithoutNumbersHasNoFigures() {
        assertEquals(List.of(), probe.figures(new ProbeReport("superposition", Map.of(), List.of())));
        assertEquals(List.of(), probe.figures(new ProbeReport("superposition", Map.of("kl", 0.3),
                List.of(new ProbeTable("options", List.of("option", "value"), List.of(List.of("examples", 100)))))));
        assertEquals(List.of(), probe.figures(new ProbeReport("superposition", Map.of(),
                List.of(new ProbeTable(StepTally.TABLE, StepTally.COLUMNS, List.of())))));
    }

    private static void assertSeries(Figure.Series series, String label, List<Double> x, List<Double> y) {
        assertEquals(label, series.label());
        assertEquals(x, series.x(), label);
        assertEquals(y, series.y(), label);
    }
}
