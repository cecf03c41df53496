package org.latentlab.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.SpecException;

/**
 * The figures of {@code latent:bench --json}, so that two builds can be compared: the device, threads and measured
 * matrix-multiply rate; per spec its step split, throughput, FLOP rates, {@code mfu}, answer latency and rate, and peak
 * memory; and {@code coconut_over_cot}, the median Coconut step over the median CoT step, where both were measured.
 */
final class BenchJson {

    private BenchJson() {
    }

    /**
     * The file is written only into {@code data/latentlab/bench}: the command is open to every researcher, who must not
     * be able to write over the platform's own files ({@code bin/latentlab bench --json} copies it where its caller asked).
     */
    static Path file(String name) throws IOException {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new SpecException("latent:bench writes its JSON into data/latentlab/bench; give --json a file name without a folder, not '"
                    + name + "'.");
        }
        String data = System.getProperty("karaf.data");
        Path folder = (data != null ? Path.of(data) : Path.of(System.getProperty("java.io.tmpdir"))).resolve("latentlab/bench");
        return Files.createDirectories(folder).resolve(name.endsWith(".json") ? name : name + ".json");
    }

    static Map<String, Object> figures(List<BenchmarkResult> results) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (results.isEmpty()) {
            return root;
        }
        BenchmarkResult first = results.get(0);
        root.put("device", first.device());
        root.put("threads", first.threads());
        root.put("peak_gflops", number(first.peakGflops()));
        Map<String, Object> specs = new LinkedHashMap<>();
        for (BenchmarkResult r : results) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("method", r.method());
            one.put("stage", r.stage());
            one.put("batch", r.batchSize());
            one.put("ms_per_step", number(r.medianStepMillis()));
            one.put("forward_ms", number(BenchmarkResult.median(r.forwardMillis())));
            one.put("backward_ms", number(BenchmarkResult.median(r.backwardMillis())));
            one.put("optimizer_ms", number(BenchmarkResult.median(r.optimizerMillis())));
            one.put("positions_per_step", number(r.positionsPerStep()));
            one.put("tokens_per_s", number(r.tokensPerSecond()));
            one.put("parameters", r.parameters());
            one.put("model_gflops", number(r.modelGflops()));
            one.put("attention_gflops", number(r.attentionFlopsPerStep() / r.medianStepMillis() / 1e6));
            one.put("mfu", number(r.mfu()));
            one.put("ms_per_answer_batch1", number(r.answerMillis()));
            one.put("answer_batch", r.answerBatch());
            one.put("answers_per_s_batched", number(r.batchedAnswersPerSecond()));
            one.put("generated_tokens", number(r.generatedTokens()));
            one.put("latent_steps", number(r.latentSteps()));
            one.put("peak_resident_bytes", r.peakResidentBytes());
            one.put("step_ms", r.stepMillis());
            specs.put(r.spec(), one);
        }
        root.put("specs", specs);
        Optional<BenchmarkResult> coconut = method(results, "coconut");
        Optional<BenchmarkResult> cot = method(results, "cot");
        if (coconut.isPresent() && cot.isPresent()) {
            root.put("coconut_over_cot", number(coconut.get().medianStepMillis() / cot.get().medianStepMillis()));
            root.put("coconut_over_cot_answer_batch1", number(coconut.get().answerMillis() / cot.get().answerMillis()));
        }
        return root;
    }

    static void write(List<BenchmarkResult> results, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures(results));
    }

    /** The first result of the method named {@code name} (its options follow the name after a space). */
    private static Optional<BenchmarkResult> method(List<BenchmarkResult> results, String name) {
        return results.stream().filter(r -> r.method().equals(name) || r.method().startsWith(name + " ")).findFirst();
    }

    /** A figure, or null (JSON's null) where it was not measured. */
    private static Double number(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
