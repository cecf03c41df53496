package org.latentlab.api.experiment;

import java.util.List;

/**
 * Memory over a long stretch of training steps: a leak shows as growth after the warm-up.
 *
 * @param spec    the spec's name
 * @param method  the method trained
 * @param steps   training steps taken
 * @param samples one sample every so many steps, in order
 * @since 1.5
 */
public record SoakResult(String spec, String method, int steps, List<Sample> samples) {
    public SoakResult {
        samples = List.copyOf(samples);
    }

    /**
     * Memory after a step.
     *
     * @param step          training steps taken so far
     * @param heapBytes     the JVM heap in use after a full collection
     * @param residentBytes the process's resident memory (native memory included), or -1 where the system does not say
     * @param stepMillis    the wall time of the steps since the previous sample, per step
     */
    public record Sample(int step, long heapBytes, long residentBytes, double stepMillis) {
    }

    /** The relative growth of a measure from the first sample at or after {@code warmup} steps to the last sample. */
    public double growth(int warmup, java.util.function.ToLongFunction<Sample> measure) {
        Sample first = samples.stream().filter(s -> s.step() >= warmup).findFirst().orElse(null);
        if (first == null || samples.isEmpty() || measure.applyAsLong(first) <= 0) {
            return Double.NaN;
        }
        Sample last = samples.get(samples.size() - 1);
        return (double) (measure.applyAsLong(last) - measure.applyAsLong(first)) / measure.applyAsLong(first);
    }
}
