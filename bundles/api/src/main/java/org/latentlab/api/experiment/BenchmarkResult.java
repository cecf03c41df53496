package org.latentlab.api.experiment;

import java.util.List;

/**
 * What a benchmark measured for one experiment, on the device its spec names.
 *
 * @param spec              the spec's name
 * @param method            the method, with its options
 * @param stage             the curriculum stage it trained and answered at
 * @param batchSize         examples per training step
 * @param stepMillis        every timed training step's wall time, in order
 * @param positionsPerStep  mean sequence positions a step processed (padding excluded, latent slots included)
 * @param answerMillis      mean wall time to answer one example, or NaN when none was answered
 * @param generatedTokens   mean tokens generated per answer
 * @param latentSteps       mean latent steps per answer
 * @param device            the device it ran on
 * @param threads           the engine's intra-op threads
 */
public record BenchmarkResult(String spec, String method, String stage, int batchSize, List<Double> stepMillis,
                              double positionsPerStep, double answerMillis, double generatedTokens, double latentSteps,
                              String device, int threads) {
    public BenchmarkResult {
        stepMillis = List.copyOf(stepMillis);
    }

    /** The median training step, in milliseconds. */
    public double medianStepMillis() {
        List<Double> sorted = stepMillis.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Microseconds of the median step per position it processed: steps over different lengths compared fairly. */
    public double microsPerPosition() {
        return positionsPerStep <= 0 ? Double.NaN : medianStepMillis() * 1000 / positionsPerStep;
    }
}
