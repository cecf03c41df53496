package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;

import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.WorkerStatus;
import org.latentlab.dataset.prosqa.ProsQaAdapter;
import org.latentlab.loss.language.LanguageModelLoss;
import org.latentlab.method.nocot.NoChainOfThought;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two orchestrators as two workers of one PostgreSQL store: every run of a sweep trains once, and every host reads it. */
class SharedQueueTest {

    @TempDir
    Path artifacts;

    private PostgresServer server;
    private Orchestrator first;
    private Orchestrator second;
    /** One engine for both, as one JVM has: PyTorch has one gradient collector per process. */
    private final LocalComputeEngine engine = new LocalComputeEngine();

    @BeforeEach
    void start() throws Exception {
        server = PostgresServer.start();
        first = worker("worker-a");
        second = worker("worker-b");
    }

    private Orchestrator worker(String name) {
        Orchestrator o = new Orchestrator();
        PostgresRunStore store = new PostgresRunStore(new PostgresConnections(server.url(), server.user(), server.password(),
                Duration.ofSeconds(30)), artifacts, name);
        o.start(engine, store, new SharedQueue.Settings(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMillis(200), true));
        o.register(ComponentKind.BACKBONE, "gpt", new GptBackboneFactory(Engine.getEngine("PyTorch")), "1.0.0");
        o.register(ComponentKind.DATASET, "prosqa", new ProsQaAdapter(), "1.0.0");
        o.register(ComponentKind.METHOD, "nocot", new NoChainOfThought(), "1.0.0");
        o.register(ComponentKind.LOSS, "language", new LanguageModelLoss(), "1.0.0");
        return o;
    }

    @AfterEach
    void stop() throws Exception {
        first.stop();
        second.stop();
        server.close();
    }

    @Test
    void aSweepSubmittedOnOneHostTrainsEachRunOnceOnEitherWorkerAndBothHostsReadTheResults() throws Exception {
        Sweep sweep = first.submitSweep(first.expandSweep("""
                {"name": "shared", "seeds": [1, 2, 3, 4, 5, 6, 7, 8],
                 "dataset": {"name": "prosqa", "train": 8, "validation": 0, "test": 2},
                 "backbone": {"dModel": 16, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "nocot"},
                 "training": {"epochs": 1, "batchSize": 4, "learningRate": 0.003, "warmupSteps": 1, "logEvery": 1}}
                """, artifacts));
        assertEquals(8, sweep.runs().size());
        for (Sweep.Run run : sweep.runs()) {
            RunStatus s = second.await(run.id(), Duration.ofMinutes(3));
            assertEquals(RunState.COMPLETED, s.state(), run.id() + ": " + s.message());
            assertTrue(second.result(run.id()).isPresent(), "the result is read on the host that did not submit it");
            assertEquals(2, first.result(run.id()).orElseThrow().steps());
        }
        assertEquals(sweep, second.sweep(sweep.id()).orElseThrow(), "the sweep too");
        Map<String, Integer> attempts = new HashMap<>();
        Map<String, Integer> perWorker = new HashMap<>();
        try (Connection c = server.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, attempts, (SELECT count(*) FROM run_lines l WHERE l.run_id = runs.id AND l.name = 'metrics.jsonl') FROM runs")) {
            while (r.next()) {
                attempts.put(r.getString(1), r.getInt(2));
                assertEquals(2, r.getInt(3), "each step's metrics once");
            }
        }
        assertEquals(8, attempts.size());
        assertTrue(attempts.values().stream().allMatch(n -> n == 1), "every run was claimed once: " + attempts);
        List<WorkerStatus> workers = second.workers();
        assertEquals(List.of("worker-a", "worker-b"), workers.stream().map(WorkerStatus::id).toList());
        assertTrue(workers.stream().allMatch(WorkerStatus::alive));
        assertTrue(first.queue().isEmpty());
    }
}
