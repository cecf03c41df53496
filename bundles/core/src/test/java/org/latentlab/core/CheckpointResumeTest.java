package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.engine.Engine;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.dataset.prosqa.ProsQaAdapter;
import org.latentlab.loss.language.LanguageModelLoss;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.method.cot.ChainOfThought;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that are stopped and continued: a resumed run ends with the parameters and metrics of one that was never stopped,
 * whether it was cancelled, cut off by a restart, or left waiting for a part that left the registry; the queue survives
 * a restart; a diverging loss and a full run store stop a run with one sentence and keep what was recorded.
 */
class CheckpointResumeTest {

    @TempDir
    Path runs;

    private Orchestrator orchestrator;
    private final Gate gate = new Gate();
    private Coconut coconutMethod;

    /** A probe run after every step that can hold the trainer at one step boundary, so a test acts there and nowhere else. */
    static final class Gate implements Probe {
        final AtomicInteger calls = new AtomicInteger();
        volatile int holdAt = -1;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Set<Capability> requires() {
            return Set.of();
        }

        @Override
        public ProbeReport run(ProbeContext context) {
            if (calls.incrementAndGet() == holdAt) {
                reached.countDown();
                try {
                    release.await(2, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new ProbeReport("gate", Map.of(), List.of());
        }

        void holdAt(int step) {
            holdAt = step;
        }

        void awaitHeld() throws InterruptedException {
            assertTrue(reached.await(2, TimeUnit.MINUTES), "the run reached the gate");
        }
    }

    @BeforeEach
    void start() {
        orchestrator = started(runs);
    }

    private Orchestrator started(Path root) {
        Orchestrator o = new Orchestrator();
        o.start(new LocalComputeEngine(), root);
        o.register(ComponentKind.BACKBONE, "gpt", new GptBackboneFactory(Engine.getEngine("PyTorch")), "1.0.0");
        o.register(ComponentKind.DATASET, "prosqa", new ProsQaAdapter(), "1.0.0");
        o.register(ComponentKind.METHOD, "cot", new ChainOfThought(), "1.0.0");
        coconutMethod = new Coconut();
        o.register(ComponentKind.METHOD, "coconut", coconutMethod, "1.0.0");
        o.register(ComponentKind.LOSS, "language", new LanguageModelLoss(), "1.0.0");
        o.register(ComponentKind.PROBE, "gate", gate, "1.0.0");
        return o;
    }

    @AfterEach
    void stop() throws InterruptedException {
        gate.release.countDown();
        orchestrator.stop();
    }

    /** Coconut through three curriculum stages (two stage switches), 4 steps per epoch, a checkpoint every 3 steps. */
    private ExperimentSpec coconut(String name, String training) {
        return orchestrator.parse("""
                {"name": "%s", "seed": 11,
                 "dataset": {"name": "prosqa", "train": 32, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "coconut", "options": {"maxLatentStage": 2, "epochsPerStage": 1}},
                 "probes": [{"name": "gate", "options": {"every": 1}}],
                 "training": {"epochs": 3, "batchSize": 8, "learningRate": 0.003, "warmupSteps": 2, "logEvery": 1,
                              "checkpointEvery": 3 %s},
                 "evaluation": {"maxNewTokens": 30, "limit": 4}}
                """.formatted(name, training), runs);
    }

    private RunStatus awaitState(Orchestrator o, String id, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RunStatus s = o.status(id).orElseThrow();
        while (s.state() != state && !s.state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = o.status(id).orElseThrow();
        }
        RunStatus last = s;
        assertEquals(state, last.state(), () -> "run " + id + " is " + last.state() + ": " + last.message() + "\n" + error(id));
        return last;
    }

    private String error(String id) {
        try {
            Path file = runs.resolve(id).resolve("error.txt");
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aRunCutOffByARestartIsMarkedInterruptedAndResumesToTheParametersAndMetricsOfAnUninterruptedRun() throws Exception {
        String reference = orchestrator.submit(coconut("reference", ""));
        awaitState(orchestrator, reference, RunState.COMPLETED);
        assertEquals(12, orchestrator.result(reference).orElseThrow().steps(), "3 stages of one epoch of 4 steps");

        gate.holdAt(13 + 7);   // the reference's 12 steps and its probe after training, then 7 steps of this run
        String cut = orchestrator.submit(coconut("cut", ""));
        gate.awaitHeld();
        orchestrator.cancel(cut);
        gate.release.countDown();
        awaitState(orchestrator, cut, RunState.CANCELLED);
        Checkpoints.Saved saved = new Checkpoints(new FileRunStore(runs), cut).latest().orElseThrow();
        assertEquals(6, saved.state().step(), "the newest checkpoint before step 7 is the one of step 6");
        assertEquals(Checkpoint.SUPERVISED, saved.state().phase());
        assertTrue(saved.hasOptimizer(), "the optimizer's state is kept with it");

        // as a killed JVM leaves it: the run recorded as running, then the platform starts again
        orchestrator.stop();
        FileRunStore store = new FileRunStore(runs);
        RunStatus asLeft = store.status(cut).orElseThrow().with(RunState.RUNNING, "training");
        store.writeStatus(asLeft);
        orchestrator = started(runs);
        RunStatus interrupted = orchestrator.status(cut).orElseThrow();
        assertEquals(RunState.INTERRUPTED, interrupted.state());
        assertTrue(interrupted.message().contains("latent:resume " + cut) && interrupted.message().contains("checkpoint at step 6"),
                interrupted.message());

        orchestrator.resume(cut);
        awaitState(orchestrator, cut, RunState.COMPLETED);
        assertSameRun(reference, cut);
        assertEquals(6, new FileRunStore(runs).metrics(cut).stream().filter(m -> m.step() > 6).count(),
                "steps 7 to 12 are recorded once, after the resume");
    }

    @Test
    void aRunWhoseMethodLeavesTheRegistryWaitsWithItsCheckpointAndContinuesWhenAProviderIsBack() throws Exception {
        String reference = orchestrator.submit(coconut("reference", ""));
        awaitState(orchestrator, reference, RunState.COMPLETED);

        gate.holdAt(13 + 5);
        String swapped = orchestrator.submit(coconut("swapped", ""));
        gate.awaitHeld();
        orchestrator.unregister(ComponentKind.METHOD, coconutMethod);
        gate.release.countDown();
        RunStatus waiting = awaitState(orchestrator, swapped, RunState.WAITING);
        assertTrue(waiting.message().startsWith("waiting for the method 'coconut'"), waiting.message());
        assertTrue(waiting.message().contains("checkpoint at step 5"), "the step boundary it stopped at is kept: " + waiting.message()
                + "\n" + error(swapped));
        assertEquals(5, new Checkpoints(new FileRunStore(runs), swapped).latest().orElseThrow().state().step());

        // a new provider of the method (as after bundle:update) lets it continue at once
        assertFalse(orchestrator.queue().contains(swapped), "a waiting run is not in the queue");
        orchestrator.register(ComponentKind.METHOD, "coconut", new Coconut(), "1.0.1");
        awaitState(orchestrator, swapped, RunState.COMPLETED);
        assertSameRun(reference, swapped);

        // the run records the parts it finished with, and says that the method's version changed on the way
        List<ComponentInfo> parts = orchestrator.parts(swapped).orElseThrow();
        assertEquals(List.of("dataset prosqa", "backbone gpt", "method coconut", "loss language", "probe gate"),
                parts.stream().map(p -> p.kind().word() + " " + p.name()).toList());
        assertEquals("1.0.1", parts.get(2).version());
        assertEquals("org.latentlab.method.coconut", parts.get(2).bundle());
        assertEquals("1.0.0", orchestrator.parts(reference).orElseThrow().get(2).version());
        List<String> notes = orchestrator.result(swapped).orElseThrow().notes();
        assertTrue(notes.contains("step 5: the method 'coconut' changed from org.latentlab.method.coconut 1.0.0 to "
                + "org.latentlab.method.coconut 1.0.1 when the run resumed"), () -> "notes: " + notes);
        assertFalse(orchestrator.result(reference).orElseThrow().notes().stream().anyMatch(n -> n.contains("changed from")));
    }

    @Test
    void aWaitingRunThatIsCancelledStaysCancelledWhenItsPartComesBack() throws Exception {
        gate.holdAt(3);
        String id = orchestrator.submit(coconut("cancelled-while-waiting", ""));
        gate.awaitHeld();
        orchestrator.unregister(ComponentKind.METHOD, coconutMethod);
        gate.release.countDown();
        awaitState(orchestrator, id, RunState.WAITING);
        assertTrue(orchestrator.cancel(id), "a waiting run can be cancelled");
        assertEquals(RunState.CANCELLED, orchestrator.status(id).orElseThrow().state());
        orchestrator.register(ComponentKind.METHOD, "coconut", new Coconut(), "1.0.1");
        Thread.sleep(300);
        assertEquals(RunState.CANCELLED, orchestrator.status(id).orElseThrow().state(), "the method's return does not restart it");
        assertEquals(List.of(), orchestrator.queue());
    }

    @Test
    void queuedRunsSurviveARestartInTheirOrderAndACancelledQueuedRunLeavesTheQueue() throws Exception {
        // the trainer is held by a first run while three more wait
        gate.holdAt(1);
        String first = orchestrator.submit(coconut("first", ""));
        gate.awaitHeld();
        String second = orchestrator.submit(coconut("second", ""));
        String third = orchestrator.submit(coconut("third", ""));
        String fourth = orchestrator.submit(coconut("fourth", ""));
        assertEquals(List.of(second, third, fourth), orchestrator.queue(), "the queue, next first");
        assertTrue(orchestrator.cancel(third));
        assertEquals(List.of(second, fourth), orchestrator.queue());
        assertEquals(RunState.CANCELLED, orchestrator.status(third).orElseThrow().state());
        assertEquals(List.of(second, fourth), new FileRunStore(runs).queue(), "queue.json follows the queue");

        // a restart with the queue as it is on disk, in the reverse order of submission
        orchestrator.cancel(first);
        gate.release.countDown();
        awaitState(orchestrator, first, RunState.CANCELLED);
        Orchestrator old = orchestrator;
        FileRunStore store = new FileRunStore(runs);
        orchestrator = null;
        old.stop();   // cancels the queued ones; put them back as a killed JVM would have left them
        for (String id : List.of(second, fourth)) {
            store.writeStatus(store.status(id).orElseThrow().with(RunState.QUEUED, "waiting for the trainer"));
        }
        store.writeQueue(List.of(fourth, second));
        orchestrator = started(runs);
        RunStatus s4 = awaitState(orchestrator, fourth, RunState.COMPLETED);
        RunStatus s2 = awaitState(orchestrator, second, RunState.COMPLETED);
        assertTrue(s4.updated().compareTo(s2.updated()) < 0, "the queue's order was kept: fourth ended before second");
        assertEquals(RunState.CANCELLED, orchestrator.status(third).orElseThrow().state(), "a cancelled run stays cancelled");
        assertEquals(List.of(), orchestrator.queue());
    }

    /** The exact-answer reward, holding the trainer at its n-th score so that a test acts during policy optimization. */
    static final class GatedReward implements org.latentlab.api.reward.Reward {
        final org.latentlab.api.reward.Reward reward = new org.latentlab.reward.exact.ExactAnswerReward();
        final Gate gate = new Gate();

        @Override
        public double score(org.latentlab.api.data.Example example, org.latentlab.api.method.Answer answer, Map<String, Object> options) {
            gate.run(null);
            return reward.score(example, answer, options);
        }
    }

    @Test
    void aRunStoppedDuringPolicyOptimizationResumesToTheParametersOfAnUninterruptedOne() throws Exception {
        GatedReward reward = new GatedReward();
        orchestrator.register(ComponentKind.REWARD, "gated", reward, "1.0.0");
        String grpo = """
                {"name": "%s", "seed": 5,
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "cot"},
                 "training": {"epochs": 1, "batchSize": 8, "logEvery": 1, "checkpointEvery": 2},
                 "grpo": {"reward": {"name": "gated"}, "epochs": 3, "prompts": 2, "groupSize": 2, "klWeight": 0.1},
                 "evaluation": {"maxNewTokens": 20, "limit": 4}}
                """;
        String reference = orchestrator.submit(orchestrator.parse(grpo.formatted("grpo-reference"), runs));
        awaitState(orchestrator, reference, RunState.COMPLETED);
        int scoresPerRun = reward.gate.calls.get();
        assertEquals(2 + 3 * 8, orchestrator.result(reference).orElseThrow().steps(), "2 supervised steps, then 3 epochs of 8 GRPO steps");

        // four rollouts (2 prompts x 2) are scored per GRPO step: hold in the 5th (step 7 of the run), past the checkpoint of step 6
        reward.gate.holdAt(scoresPerRun + 4 * 4 + 1);
        String cut = orchestrator.submit(orchestrator.parse(grpo.formatted("grpo-cut"), runs));
        reward.gate.awaitHeld();
        orchestrator.cancel(cut);
        reward.gate.release.countDown();
        awaitState(orchestrator, cut, RunState.CANCELLED);
        Checkpoints.Saved saved = new Checkpoints(new FileRunStore(runs), cut).latest().orElseThrow();
        assertEquals(Checkpoint.POLICY, saved.state().phase());
        assertEquals(6, saved.state().step());
        assertEquals(List.of(TrainingRun.SUPERVISED_TEST), saved.state().evaluations().stream().map(e -> e.set()).toList(),
                "the evaluation before policy optimization is kept with the checkpoint");

        orchestrator.resume(cut);
        awaitState(orchestrator, cut, RunState.COMPLETED);
        assertSameRun(reference, cut);
        assertEquals(accuracies(reference), accuracies(cut), "both evaluations, before and after policy optimization, are the same");
    }

    /** A loss that turns NaN at its fifth call, as an exploding run's would. */
    static final class Poisoned implements org.latentlab.api.method.SupervisionLoss {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Set<Capability> requires() {
            return Set.of();
        }

        @Override
        public ai.djl.ndarray.NDArray compute(org.latentlab.api.method.LatentTrace trace, org.latentlab.api.method.LossContext context) {
            float poison = calls.incrementAndGet() >= 5 ? Float.NaN : 0f;
            return trace.logits().mean().mul(0f).add(poison);
        }
    }

    @Test
    void aLossThatBecomesNotFiniteStopsTheRunAsDivergedWithItsLastGoodCheckpoint() throws Exception {
        orchestrator.register(ComponentKind.LOSS, "poisoned", new Poisoned(), "1.0.0");
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "diverging", "seed": 3,
                 "dataset": {"name": "prosqa", "train": 32, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "cot"},
                 "losses": [{"name": "language"}, {"name": "poisoned"}],
                 "training": {"epochs": 4, "batchSize": 8, "logEvery": 1, "checkpointEvery": 3},
                 "evaluation": {"maxNewTokens": 30, "limit": 4}}
                """, runs);
        String id = orchestrator.submit(spec);
        RunStatus diverged = awaitState(orchestrator, id, RunState.DIVERGED);
        assertEquals("The training loss became NaN at step 5; the last good checkpoint is at step 3; lower the learning rate or"
                + " raise the warm-up steps and submit the spec again.", diverged.message());
        Checkpoints.Saved last = new Checkpoints(new FileRunStore(runs), id).latest().orElseThrow();
        assertEquals(3, last.state().step());
        assertTrue(last.state().loss() != null && Double.isFinite(last.state().loss()), "the checkpoint's loss is finite");
        assertTrue(Files.isRegularFile(last.folder().resolve(Checkpoints.MODEL)), "its parameters are kept");
        assertTrue(diverged.state().finished(), "a diverged run has ended");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> orchestrator.resume(id));
        assertTrue(refused.getMessage().contains("diverged"), refused.getMessage());
    }

    @Test
    void aRunStoreThatCannotBeWrittenFailsTheRunWithASentenceAndEarlierRunsStayReadable() throws Exception {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(full), "/dev/full stands in for a full disk");
        String earlier = orchestrator.submit(coconut("earlier", ""));
        awaitState(orchestrator, earlier, RunState.COMPLETED);
        RunResult before = orchestrator.result(earlier).orElseThrow();

        gate.holdAt(13 + 1);
        String blocker = orchestrator.submit(coconut("blocker", ""));
        gate.awaitHeld();
        String starved = orchestrator.submit(coconut("starved", ""));
        // every line of its metrics lands on a device that is always full
        Files.createSymbolicLink(runs.resolve(starved).resolve(RunStore.METRICS), full);
        orchestrator.cancel(blocker);
        gate.release.countDown();
        RunStatus failed = awaitState(orchestrator, starved, RunState.FAILED);
        assertTrue(failed.message().startsWith("The run store could not record this run: Could not append to "), failed.message());
        assertTrue(failed.message().contains("No space left on device") && failed.message().contains("latent:resume " + starved),
                failed.message());
        assertEquals(before, orchestrator.result(earlier).orElseThrow(), "the earlier run's result reads as before");
        assertTrue(orchestrator.runs().stream().anyMatch(r -> r.id().equals(earlier) && r.state() == RunState.COMPLETED));
    }

    /** The two runs trained to the same parameters (within 1e-5) and recorded the same losses and answers. */
    private void assertSameRun(String reference, String resumed) throws IOException {
        Map<String, float[]> a = parameters(runs.resolve(reference).resolve("checkpoints/final.params"));
        Map<String, float[]> b = parameters(runs.resolve(resumed).resolve("checkpoints/final.params"));
        assertEquals(a.keySet(), b.keySet());
        double worst = 0;
        for (String name : a.keySet()) {
            float[] x = a.get(name);
            float[] y = b.get(name);
            assertEquals(x.length, y.length, name);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, Math.abs(x[i] - y[i]));
            }
        }
        assertTrue(worst < 1e-5, "largest parameter difference " + worst);
        FileRunStore store = new FileRunStore(runs);
        assertEquals(losses(store.metrics(reference)), losses(store.metrics(resumed)), "the same loss at every step");
        RunResult r = orchestrator.result(reference).orElseThrow();
        RunResult s = orchestrator.result(resumed).orElseThrow();
        assertEquals(r.steps(), s.steps());
        assertEquals(r.finalLoss(), s.finalLoss());
        assertEquals(r.evaluations().get(0).accuracy(), s.evaluations().get(0).accuracy());
        assertEquals(Files.readString(runs.resolve(reference).resolve("predictions-test.json")),
                Files.readString(runs.resolve(resumed).resolve("predictions-test.json")), "the same answers");
    }

    private Map<String, Double> accuracies(String id) {
        Map<String, Double> out = new LinkedHashMap<>();
        orchestrator.result(id).orElseThrow().evaluations().forEach(e -> out.put(e.set(), e.accuracy()));
        return out;
    }

    private static Map<Long, Double> losses(List<MetricsRecord> metrics) {
        Map<Long, Double> out = new LinkedHashMap<>();
        metrics.forEach(m -> out.put(m.step(), m.loss()));
        return out;
    }

    /** Reads the backbone's parameter file: header, count, then per parameter name, rank, dimensions, float32 values. */
    static Map<String, float[]> parameters(Path file) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            in.readUTF();
            in.readInt();
            int n = in.readInt();
            for (int p = 0; p < n; p++) {
                String name = in.readUTF();
                int rank = in.readInt();
                long size = 1;
                for (int d = 0; d < rank; d++) {
                    size *= in.readLong();
                }
                byte[] raw = new byte[Math.toIntExact(size * 4)];
                in.readFully(raw);
                float[] values = new float[(int) size];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                out.put(name, values);
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }
}
