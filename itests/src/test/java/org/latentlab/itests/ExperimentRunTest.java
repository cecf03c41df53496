package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.osgi.test.common.annotation.InjectService;

/** A whole experiment inside the framework: spec, resolution from the registry, training, evaluation, records. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ExperimentRunTest {

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    @Test
    void aTinyCotRunTrainsEvaluatesAndRecordsItself() throws Exception {
        String id = TinyExperiment.completedRun(experiments);

        RunStatus status = experiments.status(id).orElseThrow();
        assertEquals(RunState.COMPLETED, status.state());
        assertEquals("itest", status.name());
        assertEquals("cot", status.method());
        assertEquals(2, status.step(), "16 examples in batches of 8, one epoch");

        RunResult result = experiments.result(id).orElseThrow(() -> new AssertionError("run " + id + " has no result"));
        assertEquals(id, result.id());
        assertEquals(2, result.steps());
        assertTrue(result.parameters() > 0);
        assertTrue(Double.isFinite(result.finalLoss()), "final loss " + result.finalLoss());
        EvaluationResult test = result.evaluations().get(0);
        assertEquals("test", test.set());
        assertEquals(4, test.examples());
        assertTrue(test.correct() >= 0 && test.correct() <= 4);
        assertTrue(test.meanGeneratedTokens() > 0, "the model generated something");

        Path run = TinyExperiment.runsRoot().resolve(id);
        for (String file : List.of("spec.json", "status.json", "metrics.jsonl", "result.json", "checkpoints/final.params")) {
            assertTrue(Files.isRegularFile(run.resolve(file)), () -> run.resolve(file) + " is recorded");
            assertTrue(Files.size(run.resolve(file)) > 0, () -> file + " is not empty");
        }
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> !l.isBlank()).count(),
                "one metrics line per step (logEvery 1)");
        assertTrue(experiments.runs().stream().anyMatch(s -> s.id().equals(id)), "runs() lists it");
    }
}
