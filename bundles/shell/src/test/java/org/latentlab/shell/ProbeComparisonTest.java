package org.latentlab.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.junit.jupiter.api.Test;

class ProbeComparisonTest {

    @Test
    void spearmanIsOneForAnyIncreasingRelationAndMinusOneForADecreasingOne() {
        List<double[]> increasing = List.of(new double[] {0.1, 1}, new double[] {5, 2}, new double[] {7, 40}, new double[] {100, 41});
        assertEquals(1.0, RankCorrelation.spearman(increasing), 1e-12);
        List<double[]> decreasing = List.of(new double[] {1, 4}, new double[] {2, 3}, new double[] {3, 2}, new double[] {4, 1});
        assertEquals(-1.0, RankCorrelation.spearman(decreasing), 1e-12);
        // ties take their mean rank: x ranks 1, 2.5, 2.5, 4
        assertEquals(List.of(1.0, 2.5, 2.5, 4.0), java.util.Arrays.stream(RankCorrelation.ranks(new double[] {3, 5, 5, 9})).boxed().toList());
        assertTrue(Double.isNaN(RankCorrelation.spearman(List.of(new double[] {1, 1}, new double[] {1, 2}, new double[] {1, 3}))));
    }

    @Test
    void accuracyInformationPerStepAndIntrinsicDimensionStandInOneRowPerRunWithTheirRankCorrelation() {
        Map<String, RunResult> runs = Map.of(
                "a", run("a", "outcome", 0.40, Map.of("info.step1", 0.2, "info.step2", 0.1, "info.step10", 0.05, "info.mean", 0.12), 3.0),
                "b", run("b", "trajectory", 0.90, Map.of("info.step1", 1.5, "info.step2", 1.2, "info.mean", 1.3), 5.0),
                "c", run("c", "generative", 0.70, Map.of("info.step1", 1.1, "info.mean", 0.9), 6.0));
        ExperimentService experiments = (ExperimentService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExperimentService.class}, (proxy, method, args) -> method.getName().equals("result")
                        ? Optional.ofNullable(runs.get((String) args[0])) : null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResultTables.printProbeComparison(experiments, List.of("a", "b", "c"), "test", ResultTables.DEFAULT_SCALARS,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String text = bytes.toString(StandardCharsets.UTF_8);

        String header = text.lines().filter(l -> l.contains("Run")).findFirst().orElseThrow();
        assertTrue(header.indexOf("ulp.info.step2") < header.indexOf("ulp.info.step10"), "steps in numeric order: " + header);
        assertTrue(header.contains("intrinsic-dimension.twoNN"), header);
        String rowA = text.lines().filter(l -> l.startsWith("a ")).findFirst().orElseThrow();
        assertTrue(rowA.contains("0.400") && rowA.contains("0.120") && rowA.contains("3.000"), rowA);
        String rowC = text.lines().filter(l -> l.startsWith("c ")).findFirst().orElseThrow();
        assertTrue(rowC.contains(" - "), "a step the run does not have reads '-': " + rowC);
        // accuracy ranks a < c < b; mean information ranks a < c < b too; dimension ranks a < b < c
        assertTrue(text.contains("Spearman rank correlation of ulp.info.mean with test accuracy over 3 runs: 1.000"), text);
        assertTrue(text.contains("Spearman rank correlation of intrinsic-dimension.twoNN with test accuracy over 3 runs: 0.500"), text);
        assertTrue(!text.contains("of ulp.info.step1 with"), "per-step columns get no correlation line");
    }

    private static RunResult run(String id, String name, double accuracy, Map<String, Double> information, double twoNN) {
        return new RunResult(id, name, "coconut", 1000, 10, 1, 1, 0.5,
                List.of(new EvaluationResult("test", 100, (int) Math.round(accuracy * 100), accuracy, 3, 6, 1)), List.of(),
                Map.of("ulp", information, "intrinsic-dimension", Map.of("twoNN", twoNN)));
    }
}
