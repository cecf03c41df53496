package org.latentlab.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.experiment.BenchmarkOptions;
import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SoakResult;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.model.Backbone;
import org.latentlab.engine.ComputeEngine;

/**
 * Times an experiment's training steps and answers on fresh parameters: the same step a run takes (the method's
 * forward, the losses, backward, the AdamW update) at one curriculum stage, then greedy answers one example at a time.
 * Nothing is recorded. The numbers mean what they say only on a quiet machine: other work on the cores slows them.
 */
final class Benchmark {

    private Benchmark() {
    }

    static BenchmarkResult run(ComputeEngine engine, Experiment experiment, BenchmarkOptions options) throws Exception {
        ExperimentSpec spec = experiment.spec();
        Dataset data = trainingData(experiment, "benchmark");
        Vocabulary vocabulary = TrainingStep.vocabulary(experiment, data.train());
        Device device = engine.device(spec.device());
        Curriculum curriculum = experiment.method().service().curriculum(spec.method().options(), spec.training().epochs());
        if (options.stage() >= curriculum.stages().size()) {
            throw new SpecException("The method '" + experiment.method().name() + "' has " + curriculum.stages().size()
                    + " curriculum stages here (0 to " + (curriculum.stages().size() - 1) + "), not a stage " + options.stage() + ".");
        }
        CurriculumStage stage = options.stage() < 0 ? curriculum.last() : curriculum.stages().get(options.stage());
        int batchSize = spec.training().batchSize();
        Random order = new Random(spec.seed());
        List<Double> millis = new ArrayList<>();
        long positions = 0;
        double generated = 0;
        double latent = 0;
        double answerMillis = Double.NaN;
        try (Backbone model = TrainingStep.newBackbone(engine, experiment, vocabulary, device);
             AdamW optimizer = TrainingStep.optimizer(experiment, model)) {
            List<Example> shuffled = new ArrayList<>(data.train());
            for (int i = 0; i < options.warmup() + options.steps(); i++) {
                stopIfInterrupted();
                List<Example> examples = batch(shuffled, i, batchSize, order);
                long start = System.nanoTime();
                TrainingStep.Outcome outcome = TrainingStep.run(engine, experiment, model, examples, vocabulary, stage);
                optimizer.step(spec.training().learningRate(), spec.training().gradientClip());
                long elapsed = System.nanoTime() - start;
                if (i >= options.warmup()) {
                    millis.add(elapsed / 1e6);
                    positions += outcome.tokens();
                }
            }
            List<Example> held = data.test().isEmpty() ? data.train() : data.test();
            int n = Math.min(options.examples(), held.size());
            if (n > 0) {
                Decoding decoding = new Decoding(spec.evaluation().maxNewTokens());
                long total = 0;
                for (Example example : held.subList(0, n)) {
                    stopIfInterrupted();
                    try (NDManager scope = model.manager().newSubManager()) {
                        long start = System.nanoTime();
                        Answer answer = engine.withoutGradients(() -> experiment.method().service()
                                .solve(model, new Batch(List.of(example), vocabulary, scope), stage, decoding).get(0));
                        total += System.nanoTime() - start;
                        generated += answer.generatedTokens();
                        latent += answer.latentSteps();
                    }
                }
                answerMillis = total / 1e6 / n;
                generated /= n;
                latent /= n;
            }
        }
        Map<String, Object> shown = new TreeMap<>(spec.method().options());
        String method = experiment.method().name() + (shown.isEmpty() ? "" : " " + shown);
        return new BenchmarkResult(spec.name() == null ? experiment.method().name() : spec.name(), method, stage.name(), batchSize,
                millis, (double) positions / options.steps(), answerMillis, generated, latent, device.toString(), threads());
    }

    /**
     * Trains for {@code steps} steps as {@link #run} does (at the last curriculum stage, with the spec's learning rate),
     * and every {@code every} steps collects the garbage and samples the heap in use and the process's resident memory.
     */
    static SoakResult soak(ComputeEngine engine, Experiment experiment, int steps, int every) throws Exception {
        ExperimentSpec spec = experiment.spec();
        Dataset data = trainingData(experiment, "train");
        Vocabulary vocabulary = TrainingStep.vocabulary(experiment, data.train());
        Device device = engine.device(spec.device());
        CurriculumStage stage = experiment.method().service().curriculum(spec.method().options(), spec.training().epochs()).last();
        Random order = new Random(spec.seed());
        List<SoakResult.Sample> samples = new ArrayList<>();
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        try (Backbone model = TrainingStep.newBackbone(engine, experiment, vocabulary, device);
             AdamW optimizer = TrainingStep.optimizer(experiment, model)) {
            List<Example> shuffled = new ArrayList<>(data.train());
            long since = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                stopIfInterrupted();
                TrainingStep.run(engine, experiment, model, batch(shuffled, i, spec.training().batchSize(), order), vocabulary, stage);
                optimizer.step(spec.training().learningRate(), spec.training().gradientClip());
                if ((i + 1) % every == 0 || i + 1 == steps) {
                    double stepMillis = (System.nanoTime() - since) / 1e6 / ((i % every) + 1);
                    System.gc();
                    samples.add(new SoakResult.Sample(i + 1, memory.getHeapMemoryUsage().getUsed(), residentBytes(), stepMillis));
                    since = System.nanoTime();
                }
            }
        }
        return new SoakResult(spec.name() == null ? experiment.method().name() : spec.name(), experiment.method().name(), steps, samples);
    }

    /** The spec's dataset, which must have training examples to time or soak. */
    private static Dataset trainingData(Experiment experiment, String purpose) throws java.io.IOException {
        Dataset data = experiment.dataset().service().load(experiment.spec().dataset(), experiment.spec().seed());
        if (data.train().isEmpty()) {
            throw new SpecException("The dataset '" + experiment.dataset().name() + "' produced no training examples to " + purpose + " with.");
        }
        return data;
    }

    /** The process's resident set size from /proc/self/status, or -1 where there is no such file. */
    static long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return -1;
    }

    /** The i-th batch of a shuffled pass over the examples, reshuffled when a pass runs out. */
    private static List<Example> batch(List<Example> shuffled, int i, int batchSize, Random order) {
        int perPass = Math.max(1, shuffled.size() / batchSize);
        if (i % perPass == 0) {
            java.util.Collections.shuffle(shuffled, order);
        }
        int from = (i % perPass) * batchSize;
        return shuffled.subList(from, Math.min(from + batchSize, shuffled.size()));
    }

    private static void stopIfInterrupted() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("The benchmark was interrupted.");
        }
    }

    private static int threads() {
        String configured = System.getProperty("ai.djl.pytorch.num_threads");
        try {
            return configured == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(configured.strip());
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
