package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Plugins come and go while a run trains. An unrelated plugin's coming and going leaves the loss curve as it is; the
 * method's own bundle stopped or updated makes the run wait at a step boundary with a checkpoint and continue when the
 * method is back, to the very losses of a run that was never disturbed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HotSwapUnderLoadTest {

    private static final String COT_BUNDLE = "org.latentlab.method.cot";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    @InjectBundleContext
    BundleContext context;

    private static List<Double> reference;

    /** Two steps an epoch for 150 epochs, a checkpoint every 10 steps: long enough to be disturbed while it trains. */
    private ExperimentSpec spec(String name) {
        return experiments.parse("""
                {"name": "%s", "seed": 5,
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "cot"},
                 "training": {"epochs": 150, "batchSize": 8, "logEvery": 1, "checkpointEvery": 10},
                 "evaluation": {"maxNewTokens": 20, "limit": 4}}
                """.formatted(name), TinyExperiment.runsRoot());
    }

    @AfterEach
    void cotIsActive() throws Exception {
        for (Bundle b : context.getBundles()) {
            if (COT_BUNDLE.equals(b.getSymbolicName()) && b.getState() != Bundle.ACTIVE && b.getState() != Bundle.UNINSTALLED) {
                b.start();
            }
        }
        TinyExperiment.componentsWhen(experiments, list -> TinyExperiment.has(list, ComponentKind.METHOD, "cot"), "method cot");
    }

    private synchronized List<Double> referenceLosses() throws Exception {
        if (reference == null) {
            RunStatus done = TinyExperiment.runToEnd(experiments, spec("itest-undisturbed"));
            reference = losses(done.id());
        }
        return reference;
    }

    @Test
    void stoppingAndStartingAnUnrelatedPluginWhileARunTrainsLeavesItsLossCurveAsItIs() throws Exception {
        List<Double> expected = referenceLosses();
        String id = experiments.submit(spec("itest-beside-churn"));
        awaitStep(id, 5);
        Bundle nocot = TinyExperiment.bundle(context, TinyExperiment.NOCOT_BUNDLE);
        for (int i = 0; i < 3; i++) {
            nocot.stop();
            nocot.start();
        }
        RunStatus during = experiments.status(id).orElseThrow();
        assertEquals(RunState.RUNNING, during.state(), "the run was still training while nocot came and went: " + during.message());
        RunStatus done = experiments.await(id, TinyExperiment.RUN_TIMEOUT);
        assertEquals(RunState.COMPLETED, done.state(), done.message());
        assertEquals(expected, losses(id), "the same loss at every step");
    }

    @Test
    void stoppingTheMethodsBundleMakesTheRunWaitWithACheckpointAndStartingItAgainLetsItFinishAsIfUndisturbed() throws Exception {
        List<Double> expected = referenceLosses();
        String id = experiments.submit(spec("itest-method-stopped"));
        awaitStep(id, 5);
        Bundle cot = TinyExperiment.bundle(context, COT_BUNDLE);
        cot.stop();
        RunStatus waiting = awaitState(id, RunState.WAITING);
        assertTrue(waiting.message().startsWith("waiting for the method 'cot' (" + COT_BUNDLE), waiting.message());
        long at = waiting.step();
        Path latest = TinyExperiment.runsRoot().resolve(id).resolve("checkpoints/latest.json");
        assertTrue(Files.isRegularFile(latest), "a checkpoint is kept");
        assertTrue(waiting.message().contains("continues from its checkpoint at step"), waiting.message());
        Thread.sleep(500);
        assertEquals(RunState.WAITING, experiments.status(id).orElseThrow().state(), "it waits while the method is away");

        cot.start();
        RunStatus done = experiments.await(id, TinyExperiment.RUN_TIMEOUT);
        assertEquals(RunState.COMPLETED, done.state(), done.message());
        assertTrue(at > 0 && at < done.step(), "it stopped part way, at step " + at);
        assertEquals(expected, losses(id), "the same loss at every step as the undisturbed run");
    }

    @Test
    void updatingTheMethodsBundleWhileARunTrainsLetsTheRunContinueWithTheNewRevision() throws Exception {
        List<Double> expected = referenceLosses();
        String id = experiments.submit(spec("itest-method-updated"));
        awaitStep(id, 5);
        Bundle cot = TinyExperiment.bundle(context, COT_BUNDLE);
        long modified = cot.getLastModified();
        cot.update();
        assertTrue(cot.getLastModified() >= modified);
        RunStatus done = experiments.await(id, TinyExperiment.RUN_TIMEOUT);
        assertEquals(RunState.COMPLETED, done.state(), done.message());
        assertEquals(expected, losses(id), "the same loss at every step as the undisturbed run");
        String metrics = Files.readString(TinyExperiment.runsRoot().resolve(id).resolve("status.json"));
        assertTrue(metrics.contains("COMPLETED"), metrics);
    }

    private void awaitStep(String id, long step) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RunStatus s = experiments.status(id).orElseThrow();
        while (s.step() < step && !s.state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            s = experiments.status(id).orElseThrow();
        }
        if (s.step() < step || s.state() != RunState.RUNNING) {
            fail("run " + id + " did not reach step " + step + " while running: " + s.state() + " at " + s.step() + ", " + s.message());
        }
    }

    private RunStatus awaitState(String id, RunState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RunStatus s = experiments.status(id).orElseThrow();
        while (s.state() != state && !s.state().finished() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = experiments.status(id).orElseThrow();
        }
        assertEquals(state, s.state(), "run " + id + ": " + s.message());
        return s;
    }

    /** The loss of every step, from the run's metrics.jsonl. */
    private static List<Double> losses(String id) throws IOException {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(TinyExperiment.runsRoot().resolve(id).resolve("metrics.jsonl"))) {
            if (!line.isBlank()) {
                JsonNode node = JSON.readTree(line);
                assertEquals(out.size() + 1, node.get("step").asLong(), "one line per step, in order");
                out.add(node.get("loss").asDouble());
            }
        }
        assertEquals(300, out.size(), "150 epochs of 2 steps");
        return out;
    }
}
