package org.latentlab.api.experiment;

import java.util.List;

/**
 * What a benchmark measured for one experiment, on the device its spec names.
 *
 * @param spec               the spec's name
 * @param method             the method, with its options
 * @param stage              the curriculum stage it trained and answered at
 * @param batchSize          examples per training step
 * @param stepMillis         every timed training step's wall time, in order
 * @param positionsPerStep   mean sequence positions a step processed (padding excluded, latent slots included)
 * @param answerMillis       mean wall time to answer one example alone (batch 1), or NaN when none was answered
 * @param generatedTokens    mean tokens generated per answer
 * @param latentSteps        mean latent steps per answer
 * @param device             the device it ran on
 * @param threads            the engine's intra-op threads
 * @param forwardMillis      per timed step, the method's forward pass and the losses
 * @param backwardMillis     per timed step, the backward pass
 * @param optimizerMillis    per timed step, gradient clipping and the AdamW update
 * @param parameters         the model's parameters that multiply (all but a learned position table, which is looked up)
 * @param attentionFlopsPerStep the step's attention score and mixing products, forward and backward, which
 *                           {@code 6 × parameters × positions} leaves out
 * @param peakGflops         the engine's measured fp32 matrix-multiply rate on the same device and threads, GFLOP/s; NaN
 *                           when not measured
 * @param answerBatch        examples answered together for the batched rate; 0 when not measured
 * @param batchAnswerMillis  mean wall time to answer one batch of {@code answerBatch}, or NaN
 * @param peakResidentBytes  the process's peak resident memory while the benchmark ran (the JVM's heap included), or -1
 *                           where it cannot be read
 */
public record BenchmarkResult(String spec, String method, String stage, int batchSize, List<Double> stepMillis,
                              double positionsPerStep, double answerMillis, double generatedTokens, double latentSteps,
                              String device, int threads, List<Double> forwardMillis, List<Double> backwardMillis,
                              List<Double> optimizerMillis, long parameters, double attentionFlopsPerStep, double peakGflops,
                              int answerBatch, double batchAnswerMillis, long peakResidentBytes) {
    public BenchmarkResult {
        stepMillis = List.copyOf(stepMillis);
        forwardMillis = List.copyOf(forwardMillis);
        backwardMillis = List.copyOf(backwardMillis);
        optimizerMillis = List.copyOf(optimizerMillis);
    }

    /** A result without the step's split, FLOP counts, batched answers or memory, as experiment API 1.6 made it. */
    public BenchmarkResult(String spec, String method, String stage, int batchSize, List<Double> stepMillis, double positionsPerStep,
                           double answerMillis, double generatedTokens, double latentSteps, String device, int threads) {
        this(spec, method, stage, batchSize, stepMillis, positionsPerStep, answerMillis, generatedTokens, latentSteps, device, threads,
                List.of(), List.of(), List.of(), 0, Double.NaN, Double.NaN, 0, Double.NaN, -1);
    }

    /** The median training step, in milliseconds. */
    public double medianStepMillis() {
        return median(stepMillis);
    }

    /** Microseconds of the median step per position it processed: steps over different lengths compared fairly. */
    public double microsPerPosition() {
        return positionsPerStep <= 0 ? Double.NaN : medianStepMillis() * 1000 / positionsPerStep;
    }

    /**
     * Training positions per second at the median step.
     *
     * @since 1.7
     */
    public double tokensPerSecond() {
        return positionsPerStep / medianStepMillis() * 1000;
    }

    /**
     * The model's FLOPs per training step by the usual count, {@code 6 × parameters × positions} (forward 2, backward 4).
     *
     * @since 1.7
     */
    public double modelFlopsPerStep() {
        return 6.0 * parameters * positionsPerStep;
    }

    /**
     * The model FLOPs achieved per second at the median step, in GFLOP/s; NaN without a parameter count.
     *
     * @since 1.7
     */
    public double modelGflops() {
        return parameters <= 0 ? Double.NaN : modelFlopsPerStep() / medianStepMillis() / 1e6;
    }

    /**
     * Model FLOPs utilisation: {@link #modelGflops()} over the measured matrix-multiply rate, or NaN.
     *
     * @since 1.7
     */
    public double mfu() {
        return modelGflops() / peakGflops;
    }

    /**
     * Examples answered per second in batches of {@link #answerBatch()}, or NaN.
     *
     * @since 1.7
     */
    public double batchedAnswersPerSecond() {
        return answerBatch <= 0 ? Double.NaN : answerBatch / batchAnswerMillis * 1000;
    }

    /**
     * The median of a list of times, NaN for none.
     *
     * @since 1.7
     */
    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
