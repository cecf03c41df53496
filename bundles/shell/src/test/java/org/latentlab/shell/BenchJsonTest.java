package org.latentlab.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.SpecException;

/** What two builds are compared by: the JSON of latent:bench. */
class BenchJsonTest {

    private static BenchmarkResult result(String spec, String method, double stepMillis) {
        return new BenchmarkResult(spec, method, "last", 32, List.of(stepMillis, stepMillis + 2, stepMillis - 2), 3072, 40, 27, 0, "cpu()", 2,
                List.of(10.0, 10.0, 10.0), List.of(20.0, 20.0, 20.0), List.of(5.0, 5.0, 5.0), 3_300_000, 1.2e9, 100, 32, 800, 1L << 30);
    }

    @TempDir
    Path folder;

    @Test
    void everySpecHasItsFiguresAndCoconutIsSetAgainstCot() throws Exception {
        List<BenchmarkResult> results = List.of(result("bench-cot", "cot", 200), result("bench-coconut",
                "coconut {maxLatentStage=6, thoughtsPerStep=1}", 230));
        Path file = folder.resolve("bench.json");
        BenchJson.write(results, file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertEquals(100.0, json.get("peak_gflops").asDouble());
        JsonNode cot = json.get("specs").get("bench-cot");
        assertEquals(200.0, cot.get("ms_per_step").asDouble(), "the median step");
        double gflops = 6.0 * 3_300_000 * 3072 / 0.2 / 1e9;
        assertEquals(gflops, cot.get("model_gflops").asDouble(), 1e-9);
        assertEquals(gflops / 100, cot.get("mfu").asDouble(), 1e-9, "utilisation against the measured matrix-multiply rate");
        assertEquals(40.0, cot.get("answers_per_s_batched").asDouble(), 1e-9, "32 answers in 800 ms");
        assertEquals(230.0 / 200.0, json.get("coconut_over_cot").asDouble(), 1e-12);
        assertEquals(1L << 30, cot.get("peak_resident_bytes").asLong());
    }

    @Test
    void aFigureNotMeasuredIsNullAndTheRatioNeedsBothMethods() {
        BenchmarkResult old = new BenchmarkResult("bench-cot", "cot", "last", 32, List.of(100.0), 3072, Double.NaN, 0, 0, "cpu()", 2);
        Map<String, Object> figures = BenchJson.figures(List.of(old));
        @SuppressWarnings("unchecked")
        Map<String, Object> cot = (Map<String, Object>) ((Map<String, Object>) figures.get("specs")).get("bench-cot");
        assertNull(cot.get("mfu"));
        assertNull(cot.get("ms_per_answer_batch1"));
        assertTrue(!figures.containsKey("coconut_over_cot"));
    }

    @Test
    void theFileIsANameInTheBenchFolder() throws Exception {
        assertTrue(BenchJson.file("before").endsWith(Path.of("latentlab", "bench", "before.json")));
        SpecException refused = assertThrows(SpecException.class, () -> BenchJson.file("../../etc/users.properties"));
        assertEquals("latent:bench writes its JSON into data/latentlab/bench; give --json a file name without a folder, not "
                + "'../../etc/users.properties'.", refused.getMessage());
    }
}
