package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.osgi.framework.Version;

/** The figures made from a run's records: curves with stage switches, accuracy, a probe's own figures, training series. */
class RunFiguresTest {

    @TempDir
    Path runs;

    /** A probe seen only through its figures. */
    private abstract static class DrawingProbe implements Probe {
        @Override
        public Set<Capability> requires() {
            return Set.of();
        }

        @Override
        public ProbeReport run(ProbeContext context) {
            throw new UnsupportedOperationException();
        }
    }

    /** A probe that draws its scalar as one bar. */
    private static final Probe DRAWING = new DrawingProbe() {
        @Override
        public List<Figure> figures(ProbeReport report) {
            return List.of(new Figure("value", "The value", Figure.Kind.BAR, "", "value",
                    List.of(Figure.Series.bars("value", List.of("all"), List.of(report.scalars().get("value")))), List.of(), null));
        }
    };

    /** A probe that draws its scalar per latent step as a line. */
    private static final Probe PER_STEP = new DrawingProbe() {
        @Override
        public List<Figure> figures(ProbeReport report) {
            return List.of(new Figure("by-step", "Dimension by step", Figure.Kind.LINE, "latent step", "dimension",
                    List.of(Figure.Series.points("TwoNN", List.of(1.0, 2.0), List.of(report.scalars().get("value"), 2 * report.scalars().get("value")))),
                    List.of(), "How to read it."));
        }
    };

    private String run(FileRunStore store, String name, double accuracy) {
        String id = store.newRun(name);
        store.writeStatus(RunStatus.queued(id, name, "coconut 1.0.0"));
        for (int step = 1; step <= 6; step++) {
            store.append(id, RunStore.METRICS, new MetricsRecord(step, (step - 1) / 2, 3.0 / step, 1e-3, 1000 + step, step));
        }
        store.put(id, RunStore.RESULT, new RunResult(id, name, "coconut 1.0.0", 10, 6, 1, 1000, 0.5,
                List.of(new EvaluationResult("test", 10, (int) (accuracy * 10), accuracy, 5, 3, 1)), List.of(),
                Map.of("drawing", Map.of("value", accuracy, "examples", 10.0))));
        store.put(id, "probe-drawing.json", new ProbeReport("drawing", Map.of("value", accuracy), List.of()));
        store.put(id, "probe-dimension.json", new ProbeReport("dimension", Map.of("value", accuracy), List.of()));
        store.append(id, "probe-gate-training.jsonl", new ProbeSnapshot(2, 0,
                Map.of("norm", 0.5, "examples", 10.0, "step1.norm", 0.1, "step2.norm", 0.3, "step10.norm", 0.2, "step1.points", 5.0)));
        store.append(id, "probe-gate-training.jsonl", new ProbeSnapshot(4, 1,
                Map.of("norm", 0.25, "examples", 10.0, "step1.norm", 0.05, "step2.norm", 0.3, "step10.norm", 0.4, "step1.points", 5.0)));
        return id;
    }

    @Test
    void oneRunsFiguresComeFromItsRecordsAndItsProbes() {
        FileRunStore store = new FileRunStore(runs);
        ComponentCatalog catalog = new ComponentCatalog();
        catalog.add(new ComponentRef<>(ComponentKind.PROBE, "drawing", DRAWING, "test", Version.parseVersion("1.0.0"), 0));
        String id = run(store, "coconut", 0.8);

        List<Figure> figures = new RunFigures(store, catalog).of(List.of(id));
        assertEquals(List.of("loss", "throughput", "accuracy", "probe-drawing-value", "training-gate-norm", "training-gate-step-n-.norm"),
                figures.stream().map(Figure::name).toList());
        Figure loss = figures.get(0);
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), loss.series().get(0).x());
        assertEquals(3.0, loss.series().get(0).y().get(0));
        assertEquals(List.of(new Figure.Marker(3, "stage 1"), new Figure.Marker(5, "stage 2")), loss.markers(), "stage switches");
        assertEquals(List.of("test"), figures.get(2).series().get(0).categories());
        assertEquals(List.of("8 of 10"), figures.get(2).series().get(0).notes(), "each bar says how many of how many were right");
        assertEquals(List.of(0.8), figures.get(3).series().get(0).y(), "the probe's own figure, from its report");
        assertEquals(List.of(2.0, 4.0), figures.get(4).series().get(0).x(), "the scalar at every step it was probed");
        Figure perStep = figures.get(5);
        assertEquals(List.of("step 1", "step 2", "step 10"), perStep.series().stream().map(Figure.Series::label).toList(),
                "scalars numbered by latent step share one figure, a line per step in numeric order; a constant count is left out");
        assertEquals(List.of(0.05, 0.3), List.of(perStep.series().get(0).y().get(1), perStep.series().get(1).y().get(1)));
        assertEquals(2, perStep.markers().size(), "stage switches are marked on it too");
    }

    @Test
    void aProbesLineFigureOfSeveralRunsIsDrawnOnceWithEveryRunsLines() throws java.io.IOException {
        FileRunStore store = new FileRunStore(runs);
        ComponentCatalog catalog = new ComponentCatalog();
        catalog.add(new ComponentRef<>(ComponentKind.PROBE, "dimension", PER_STEP, "test", Version.parseVersion("1.0.0"), 0));
        String a = run(store, "cot", 0.6);
        String b = run(store, "coconut", 0.9);
        List<Figure> figures = new RunFigures(store, catalog).of(List.of(a, b));
        Figure overlaid = figures.stream().filter(f -> f.name().equals("probe-dimension-by-step")).findFirst().orElseThrow();
        assertEquals(List.of("cot", "coconut"), overlaid.series().stream().map(Figure.Series::label).toList());
        assertEquals(List.of(0.9, 1.8), overlaid.series().get(1).y());
        assertEquals("dimension", overlaid.yLabel());
        assertEquals("How to read it.", overlaid.caption());
        assertTrue(new RunFigures(store, catalog).of(List.of(a)).stream().anyMatch(f -> f.name().equals("probe-dimension-by-step")),
                "a single run has the figure as the probe draws it");

        catalog.add(new ComponentRef<>(ComponentKind.PROBE, "drawing", DRAWING, "test", Version.parseVersion("1.0.0"), 0));
        List<Figure> withBars = new RunFigures(store, catalog).of(List.of(a, b));
        assertEquals(List.of("The value (cot)", "The value (coconut)"), withBars.stream().filter(f -> f.name().startsWith("probe-drawing-value"))
                .map(Figure::title).toList(), "a figure that is not a line is shown once per run, its title naming the run");
        String c = run(store, "pause", 0.5);
        java.nio.file.Files.delete(store.path(c, "probe-dimension.json"));
        List<Figure> oneHasIt = new RunFigures(store, catalog).of(List.of(a, c));
        assertEquals("Dimension by step (cot)", oneHasIt.stream().filter(f -> f.name().equals("probe-dimension-by-step")).findFirst()
                .orElseThrow().title(), "a figure only one run has is still shown, naming its run");
    }

    @Test
    void aProbeThatIsGoneLeavesItsFiguresOutAndSeveralRunsAreSideBySide() {
        FileRunStore store = new FileRunStore(runs);
        String a = run(store, "cot", 0.6);
        String b = run(store, "coconut", 0.9);
        List<Figure> figures = new RunFigures(store, new ComponentCatalog()).of(List.of(a, b));
        assertEquals(List.of("loss", "throughput", "accuracy", "scalar-drawing.value"), figures.stream().map(Figure::name).toList());
        assertEquals(List.of("cot", "coconut"), figures.get(0).series().stream().map(Figure.Series::label).toList(), "one curve per run");
        assertEquals(List.of(0.6, 0.9), figures.get(3).series().get(0).y(), "a probe scalar of both runs, one bar each");

        String again = run(store, "cot", 0.7);
        assertEquals(List.of("cot (" + a + ")", "coconut", "cot (" + again + ")"),
                new RunFigures(store, new ComponentCatalog()).of(List.of(a, b, again)).get(0).series().stream().map(Figure.Series::label).toList(),
                "runs that share a name are told apart by their ids");

        SpecException e = assertThrows(SpecException.class, () -> new RunFigures(store, new ComponentCatalog()).of(List.of(a, "nope")));
        assertEquals("There is no run 'nope'; list the runs with latent:runs.", e.getMessage());
        assertTrue(new RunFigures(store, new ComponentCatalog()).of(List.of(a)).stream().noneMatch(f -> f.name().startsWith("probe-")));
    }
}
