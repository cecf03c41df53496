package org.latentlab.api.method;

import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * What a training pass leaves for the losses to read.
 *
 * @param logits  next-token logits {@code [batch, T, vocabulary]}, or null when the method makes none
 * @param labels  target token ids {@code [batch, T]}, {@link #IGNORE} where no loss applies
 * @param latents continuous reasoning steps {@code [batch, steps, dModel]}, or null
 * @param extras  further named arrays (per-layer states, policy log-probabilities...)
 * @param tokens  number of sequence positions processed, for throughput
 */
public record LatentTrace(NDArray logits, NDArray labels, NDArray latents, Map<String, NDArray> extras, long tokens) {
    /** Label of a position no loss reads. */
    public static final int IGNORE = -100;

    /**
     * Key of {@link #extras()}: for each latent step of {@link #latents()}, the column of the trace whose final hidden
     * state it is, {@code [batch, steps]} int32, -1 where a row has fewer steps. Probes use it to find the latent steps in
     * the per-layer states.
     */
    public static final String LATENT_COLUMNS = "latentColumns";

    public LatentTrace {
        extras = extras == null ? Map.of() : Map.copyOf(extras);
    }
}
