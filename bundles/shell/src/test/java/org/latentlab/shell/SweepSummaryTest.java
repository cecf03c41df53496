package org.latentlab.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.junit.jupiter.api.Test;

class SweepSummaryTest {

    @Test
    void eachPointPoolsItsSeedsIntoMeanSpreadAndRangeAndNamesTheRunsThatDidNotComplete() {
        Map<String, RunResult> results = new HashMap<>();
        Map<String, RunStatus> statuses = new HashMap<>();
        List<Sweep.Run> runs = new java.util.ArrayList<>();
        double[][] accuracy = {{0.5, 0.7, 0.9}, {0.2, 0.4, Double.NaN}};
        for (int t = 0; t < 2; t++) {
            for (int seed = 0; seed < 3; seed++) {
                String id = "run-t" + (t + 1) + "-s" + seed;
                runs.add(new Sweep.Run(id, Map.of("method.options.thoughtsPerStep", t + 1, Sweep.SEED, seed)));
                RunStatus queued = RunStatus.queued(id, id, "coconut");
                if (Double.isNaN(accuracy[t][seed])) {
                    statuses.put(id, queued.with(RunState.FAILED, "the loss became NaN at step 3"));
                    continue;
                }
                statuses.put(id, queued.with(RunState.COMPLETED, "done"));
                results.put(id, new RunResult(id, id, "coconut", 1000, 10, 60.0 * (t + 1), 1, 0.5,
                        List.of(new EvaluationResult("test", 10, (int) Math.round(accuracy[t][seed] * 10), accuracy[t][seed], 4, 6, 1)),
                        List.of(), Map.of()));
            }
        }
        Sweep sweep = new Sweep("sweep-1", "thoughts", "2026-01-01T00:00:00Z", List.of("method.options.thoughtsPerStep", Sweep.SEED), runs);
        ExperimentService experiments = (ExperimentService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExperimentService.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "result" -> Optional.ofNullable(results.get((String) args[0]));
                    case "status" -> Optional.ofNullable(statuses.get((String) args[0]));
                    default -> null;
                });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResultTables.printSweepSummary(experiments, sweep, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertTrue(text.startsWith("Sweep sweep-1 (thoughts): 6 runs at 2 points"), text);
        List<String> rows = text.lines().filter(l -> l.contains(" test ")).toList();
        assertEquals(2, rows.size(), "one row per point, its seeds pooled: " + text);
        // thoughtsPerStep 1: 0.5, 0.7, 0.9 -> mean 0.7, sample sd 0.2
        assertEquals(List.of("1", "test", "3/3", "0.700", "0.200", "0.500", "0.900", "4.0", "1m00s"), List.of(rows.get(0).split("\\s*\\|\\s*|\\s+")),
                rows.get(0));
        // thoughtsPerStep 2: 0.2, 0.4 of three runs -> mean 0.3, sd 0.141
        assertTrue(rows.get(1).matches("\\s*2\\s.*2/3.*0\\.300.*0\\.141.*0\\.200.*0\\.400.*2m00s\\s*"), rows.get(1));
        assertTrue(text.contains("not completed: run-t2-s2  failed: the loss became NaN at step 3"), text);
    }
}
