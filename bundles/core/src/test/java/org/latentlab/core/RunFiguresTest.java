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

    /** A probe that draws its scalar as one bar. */
    private static final Probe DRAWING = new Probe() {
        @Override
        public Set<Capability> requires() {
            return Set.of();
        }

        @Override
        public ProbeReport run(ProbeContext context) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Figure> figures(ProbeReport report) {
            return List.of(new Figure("value", "The value", Figure.Kind.BAR, "", "value",
                    List.of(Figure.Series.bars("value", List.of("all"), List.of(report.scalars().get("value")))), List.of(), null));
        }
    };

    private String run(RunStore store, String name, double accuracy) {
        String id = store.newRun(name);
        store.writeStatus(RunStatus.queued(id, name, "coconut 1.0.0"));
        for (int step = 1; step <= 6; step++) {
            store.appendMetrics(id, new MetricsRecord(step, (step - 1) / 2, 3.0 / step, 1e-3, 1000 + step, step));
        }
        store.write(store.path(id, RunStore.RESULT), new RunResult(id, name, "coconut 1.0.0", 10, 6, 1, 1000, 0.5,
                List.of(new EvaluationResult("test", 10, (int) (accuracy * 10), accuracy, 5, 3, 1)), List.of(),
                Map.of("drawing", Map.of("value", accuracy, "examples", 10.0))));
        store.write(store.path(id, "probe-drawing.json"), new ProbeReport("drawing", Map.of("value", accuracy), List.of()));
        store.appendLine(id, "probe-gate-training.jsonl", new ProbeSnapshot(2, 0, Map.of("norm", 0.5, "examples", 10.0)));
        store.appendLine(id, "probe-gate-training.jsonl", new ProbeSnapshot(4, 1, Map.of("norm", 0.25, "examples", 10.0)));
        return id;
    }

    @Test
    void oneRunsFiguresComeFromItsRecordsAndItsProbes() {
        RunStore store = new RunStore(runs);
        ComponentCatalog catalog = new ComponentCatalog();
        catalog.add(new ComponentRef<>(ComponentKind.PROBE, "drawing", DRAWING, "test", Version.parseVersion("1.0.0"), 0));
        String id = run(store, "coconut", 0.8);

        List<Figure> figures = new RunFigures(store, catalog).of(List.of(id));
        assertEquals(List.of("loss", "throughput", "accuracy", "probe-drawing-value", "training-gate-norm"),
                figures.stream().map(Figure::name).toList());
        Figure loss = figures.get(0);
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), loss.series().get(0).x());
        assertEquals(3.0, loss.series().get(0).y().get(0));
        assertEquals(List.of(new Figure.Marker(3, "stage 1"), new Figure.Marker(5, "stage 2")), loss.markers(), "stage switches");
        assertEquals(List.of("test"), figures.get(2).series().get(0).categories());
        assertEquals(List.of(0.8), figures.get(3).series().get(0).y(), "the probe's own figure, from its report");
        assertEquals(List.of(2.0, 4.0), figures.get(4).series().get(0).x(), "the scalar at every step it was probed");
    }

    @Test
    void aProbeThatIsGoneLeavesItsFiguresOutAndSeveralRunsAreSideBySide() {
        RunStore store = new RunStore(runs);
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
