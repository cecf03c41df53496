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

    /**
     * Key of {@link #extras()}: soft targets {@code [batch, T, vocabulary]} (float), a probability distribution over the
     * next token at each position a method supervises with a distribution rather than one token (a CoT2 continuous
     * step), and all zeros elsewhere. Such positions carry {@link #IGNORE} in {@link #labels()}. The language loss
     * adds KL(target || softmax(logits)) at each of them.
     */
    public static final String SOFT_TARGETS = "softTargets";

    /**
     * Key of {@link #extras()}: {@code [batch, steps, vocabulary]} (float), for a method whose latent steps are mixtures
     * of token embeddings (CoT2), the probability distribution over the vocabulary that the model predicted for each
     * latent step, in the order of {@link #latents()}; rows of a batch row with fewer steps are all zeros. Probes of
     * superposition read it.
     */
    public static final String STEP_PROBABILITIES = "stepProbabilities";

    /**
     * Key of {@link #extras()}: for each latent step of {@link #latents()}, the index in {@code Example.steps()} of the
     * explicit reasoning step it stands for, {@code [batch, steps]} int32, -1 where a row has no such latent step or it
     * stands for none. Several latent steps may stand for one explicit step (Coconut with c thoughts per step). A method
     * that gives it declares {@link org.latentlab.api.Capability#ALIGNED_STEPS}.
     */
    public static final String STEP_INDEX = "stepIndex";

    /**
     * Key of {@link #extras()}: a scalar that the method adds to its own training objective, whatever losses the spec
     * names, for a part of the model only the method knows how to train (CoLaR's latent head). The platform adds it,
     * unweighted, to the spec's weighted losses.
     */
    public static final String METHOD_LOSS = "methodLoss";

    public LatentTrace {
        extras = extras == null ? Map.of() : Map.copyOf(extras);
    }
}
