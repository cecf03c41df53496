package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.probe.ProbeReport;
import org.junit.jupiter.api.Test;

/**
 * What every run store does, so that the commands, the reports and the dashboard read the same from each: each
 * implementation's test extends this with its store.
 */
abstract class RunStoreContract {

    /** A new, empty store. */
    abstract RunStore store();

    private String run(RunStore store, String name) {
        String id = store.newRun(name);
        store.put(id, RunStore.SPEC, Map.of("name", name));
        store.writeStatus(RunStatus.queued(id, name, "cot"));
        return id;
    }

    @Test
    void aRunsRecordsReadBackAsTheyWereWritten() {
        RunStore store = store();
        String id = run(store, "Tiny CoT!");
        assertTrue(id.endsWith("-tiny-cot"), id);
        assertTrue(store.exists(id));
        assertEquals(RunState.QUEUED, store.status(id).orElseThrow().state());
        store.writeStatus(store.status(id).orElseThrow().with(RunState.RUNNING, "training"));
        assertEquals("training", store.status(id).orElseThrow().message(), "a status replaces the one before");

        store.put(id, RunStore.RESULT, new RunResult(id, "tiny", "cot 1.0.0", 10, 2, 1.5, 100, 0.25, List.of(), List.of("a note"), Map.of()));
        assertEquals(List.of("a note"), store.result(id).orElseThrow().notes());
        store.putText(id, RunStore.ERROR, "java.lang.IllegalStateException: boom\n\tat somewhere");
        assertEquals("java.lang.IllegalStateException: boom\n\tat somewhere", store.text(id, RunStore.ERROR).orElseThrow());
        assertTrue(store.text(id, "nothing.json").isEmpty());

        for (int step = 1; step <= 5; step++) {
            store.append(id, RunStore.METRICS, new MetricsRecord(step, 0, 1.0 / step, 1e-3, 100, step));
        }
        store.append(id, "probe-gradient-training.jsonl", new ProbeSnapshot(2, 0, Map.of("norm", 0.5)));
        store.append(id, "probe-gradient-training.jsonl", new ProbeSnapshot(4, 0, Map.of("norm", 0.25)));
        store.put(id, "probe-gradient.json", new ProbeReport("gradient", Map.of("norm", 0.1), List.of()));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), store.metrics(id).stream().map(MetricsRecord::step).toList(), "lines in order");
        assertTrue(store.names(id).containsAll(List.of(RunStore.SPEC, RunStore.RESULT, RunStore.METRICS, "probe-gradient.json",
                "probe-gradient-training.jsonl")), () -> "" + store.names(id));
        assertEquals(0.1, store.probeReports(id).get("gradient").scalars().get("norm"));
        assertEquals(2, store.probeTraining(id).get("gradient").size());

        store.keepLinesUpTo(id, 3);
        assertEquals(List.of(1L, 2L, 3L), store.metrics(id).stream().map(MetricsRecord::step).toList(), "a resume drops the later lines");
        assertEquals(List.of(2L), store.probeTraining(id).get("gradient").stream().map(ProbeSnapshot::step).toList(), "of every record");
        store.keepLinesUpTo(id, -1);
        assertTrue(store.metrics(id).isEmpty(), "a run started again from the start keeps none");
    }

    @Test
    void runsAreListedOldestFirstAndAnUnknownRunHasNothing() throws Exception {
        RunStore store = store();
        String a = run(store, "a");
        String b = run(store, "a");
        String c = run(store, "c");
        assertNotEquals(a, b, "two runs of one name get two ids");
        assertEquals(List.of(a, b, c), store.list().stream().map(RunStatus::id).toList());
        assertFalse(store.exists("no-such-run"));
        assertTrue(store.status("no-such-run").isEmpty());
        assertTrue(store.result(a).isEmpty());
        assertTrue(store.names("no-such-run").isEmpty());
        assertTrue(store.lines("no-such-run", RunStore.METRICS, MetricsRecord.class).isEmpty());
    }

    @Test
    void eachRunHasAFolderOfArtifactsOfItsOwn() throws Exception {
        RunStore store = store();
        String a = run(store, "a");
        String b = run(store, "b");
        assertTrue(Files.isDirectory(store.artifacts(a)));
        assertNotEquals(store.artifacts(a), store.artifacts(b));
        Files.writeString(store.artifacts(a).resolve("final.params"), "weights");
        assertEquals("weights", Files.readString(store.artifacts(a).resolve("final.params")), "the same folder each time");
    }

    @Test
    void sweepsReadBackOldestFirst() {
        RunStore store = store();
        String run = run(store, "a");
        String first = store.newSweep("grid");
        Sweep one = new Sweep(first, "grid", "2026-01-01T00:00:00Z", List.of("seed"), List.of(new Sweep.Run(run, Map.of("seed", 1))));
        store.writeSweep(one);
        String second = store.newSweep("grid");
        assertNotEquals(first, second);
        Sweep two = new Sweep(second, "grid", "2026-01-02T00:00:00Z", List.of(), List.of());
        store.writeSweep(two);
        assertEquals(one, store.sweep(first).orElseThrow());
        assertEquals(List.of(one, two), store.sweeps());
        assertTrue(store.sweep("no-such-sweep").isEmpty());
    }
}
