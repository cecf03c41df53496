package org.latentlab.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
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
        List<Double> forward = new ArrayList<>();
        List<Double> backward = new ArrayList<>();
        List<Double> update = new ArrayList<>();
        long positions = 0;
        double attentionFlops = 0;
        double generated = 0;
        double latent = 0;
        double answerMillis = Double.NaN;
        double batchMillis = Double.NaN;
        double peakBefore = matmulPeak(engine, device);
        resetPeakResident();
        List<Example> held = data.test().isEmpty() ? data.train() : data.test();
        int together = Math.min(options.answerBatch(), held.size());
        long parameters;
        double peak;
        try (Backbone model = TrainingStep.newBackbone(engine, experiment, vocabulary, device);
             AdamW optimizer = TrainingStep.optimizer(experiment, model)) {
            parameters = multiplyingParameters(model);
            List<Example> shuffled = new ArrayList<>(data.train());
            for (int i = 0; i < options.warmup() + options.steps(); i++) {
                stopIfInterrupted();
                List<Example> examples = batch(shuffled, i, batchSize, order);
                long start = System.nanoTime();
                TrainingStep.Timed timed = TrainingStep.timed(engine, experiment, model, examples, vocabulary, stage);
                long backwardDone = System.nanoTime();
                optimizer.step(spec.training().learningRate(), spec.training().gradientClip());
                sync(model);
                long done = System.nanoTime();
                if (i >= options.warmup()) {
                    millis.add((done - start) / 1e6);
                    forward.add((timed.forwardDone() - start) / 1e6);
                    backward.add((backwardDone - timed.forwardDone()) / 1e6);
                    update.add((done - backwardDone) / 1e6);
                    positions += timed.outcome().tokens();
                    attentionFlops += timed.attentionFlops();
                }
            }
            // the rate measured on each side of the timed steps, so that a machine whose speed drifts is met half-way
            peak = (peakBefore + matmulPeak(engine, device)) / 2;
            int n = Math.min(options.examples(), held.size());
            Answering answering = new Answering(engine, experiment, model, vocabulary, stage, spec.evaluation().maxNewTokens());
            if (n > 0) {
                long total = 0;
                for (Example example : held.subList(0, n)) {
                    stopIfInterrupted();
                    try (NDManager scope = model.manager().newSubManager()) {
                        Batch one = answering.batch(List.of(example), scope);
                        Decoding budget = answering.budget(one);
                        long start = System.nanoTime();
                        List<Answer> answers = answering.solve(one, budget);
                        total += System.nanoTime() - start;
                        generated += answers.get(0).generatedTokens();
                        latent += answers.get(0).latentSteps();
                    }
                }
                answerMillis = total / 1e6 / n;
                generated /= n;
                latent /= n;
            }
            if (together > 0) {
                try (NDManager scope = model.manager().newSubManager()) {
                    Batch group = answering.batch(held.subList(0, together), scope);
                    Decoding budget = answering.budget(group);
                    answering.solve(group, budget);   // untimed: the first batch of this size allocates what the next reuses
                    stopIfInterrupted();
                    long start = System.nanoTime();
                    answering.solve(group, budget);
                    batchMillis = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        Map<String, Object> shown = new TreeMap<>(spec.method().options());
        String method = experiment.method().name() + (shown.isEmpty() ? "" : " " + shown);
        return new BenchmarkResult(spec.name() == null ? experiment.method().name() : spec.name(), method, stage.name(), batchSize,
                millis, (double) positions / options.steps(), answerMillis, generated, latent, device.toString(), threads(),
                forward, backward, update, parameters, attentionFlops / options.steps(), peak,
                together, batchMillis,
                peakResidentBytes());
    }

    /**
     * Greedy answers as evaluation gives them, but with the budget a trained model would use: as many new tokens as the
     * method's own training sequence supervises after the question (a chain of thought's steps and answer; a latent
     * method's answer alone), since an untrained model rarely writes its end token and would always run to the limit.
     */
    private record Answering(ComputeEngine engine, Experiment experiment, Backbone model, Vocabulary vocabulary, CurriculumStage stage,
                             int limit) {
        Batch batch(List<Example> examples, NDManager scope) {
            return new Batch(examples, vocabulary, scope);
        }

        /** The decoding budget of {@code batch}: the most positions the method's training pass supervises in any row. */
        Decoding budget(Batch batch) throws Exception {
            int supervised = engine.withoutGradients(() -> {
                org.latentlab.api.method.LatentTrace trace = experiment.method().service().forward(model, batch, stage);
                try (NDArray labelled = trace.labels().neq(org.latentlab.api.method.LatentTrace.IGNORE)) {
                    return (int) labelled.sum(new int[] {1}).max().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
                }
            });
            return new Decoding(Math.max(1, Math.min(limit, supervised)));
        }

        /** What is timed: the method's answers, greedy, without gradients, each running its whole budget ({@link EndlessAnswers}). */
        List<Answer> solve(Batch batch, Decoding budget) throws Exception {
            return engine.withoutGradients(() -> experiment.method().service().solve(
                    new EndlessAnswers(model, vocabulary.id(Vocabulary.EOS), batch.manager()), batch, stage, budget));
        }
    }

    /**
     * The engine's fp32 matrix-multiply rate on {@code device} with this process's threads, in GFLOP/s: the best of three
     * square products (512, 1024 and 2048 wide), each timed over repeats after one untimed product (about 40 GFLOP in all,
     * a fraction of a second on a CPU). A step's own products are smaller and reach less: the ratio is what MFU measures.
     */
    static double matmulPeak(ComputeEngine engine, Device device) {
        double best = 0;
        try (NDManager manager = engine.newManager(device)) {
            for (int size : new int[] {512, 1024, 2048}) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray a = scope.randomNormal(new ai.djl.ndarray.types.Shape(size, size));
                    NDArray b = scope.randomNormal(new ai.djl.ndarray.types.Shape(size, size));
                    a.matMul(b).close();
                    int repeats = Math.max(2, (int) (4e9 / (2.0 * size * size * size)));
                    long start = System.nanoTime();
                    NDArray last = null;
                    for (int r = 0; r < repeats; r++) {
                        if (last != null) {
                            last.close();
                        }
                        last = a.matMul(b);
                    }
                    last.getFloat(0, 0);   // waits for a device that works asynchronously
                    double seconds = (System.nanoTime() - start) / 1e9;
                    best = Math.max(best, 2.0 * size * size * size * repeats / seconds / 1e9);
                }
            }
        }
        return best;
    }

    /** Parameters that enter a product: every one but a learned position table of {@code [maxPositions, dModel]}, read by lookup. */
    static long multiplyingParameters(Backbone model) {
        long total = 0;
        long positionTable = (long) model.config().maxPositions() * model.config().dModel();
        boolean skipped = false;
        for (NDArray p : model.parameters().values()) {
            if (!skipped && p.getShape().dimension() == 2 && p.getShape().get(0) == model.config().maxPositions()
                    && p.getShape().get(1) == model.config().dModel()) {
                skipped = true;
                continue;
            }
            total += p.size();
        }
        return total;
    }

    /** Waits for the device's queued work by reading one value of the first parameter (a no-op wait on the CPU). */
    private static void sync(Backbone model) {
        model.parameters().values().iterator().next().stopGradient().flatten().getFloat(0);
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

    /** Starts a new peak of resident memory (Linux: writing 5 to /proc/self/clear_refs); does nothing elsewhere. */
    static void resetPeakResident() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/self/clear_refs"), "5");
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak is then the process's since it started
        }
    }

    /** The process's peak resident set size (VmHWM) since it started or since {@link #resetPeakResident}, or -1. */
    static long peakResidentBytes() {
        return statusBytes("VmHWM:");
    }

    /** The process's resident set size from /proc/self/status, or -1 where there is no such file. */
    static long residentBytes() {
        return statusBytes("VmRSS:");
    }

    private static long statusBytes(String field) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
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
