package org.latentlab.api.model;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What a forward pass should return beyond the final hidden state, and how to intervene in it.
 *
 * @param logits         compute logits for every position
 * @param residualStream record {@code blocks.L.hook_resid_pre}, {@code hook_attn_out}, {@code hook_mlp_out} and
 *                       {@code hook_resid_post} for every layer L (TransformerLens names)
 * @param skipLayers     layers whose block is skipped: their output equals their input
 * @param replaceLayers  per layer, a function from the block's output to the output the next layer sees
 */
public record Taps(boolean logits, boolean residualStream, Set<Integer> skipLayers,
                   Map<Integer, UnaryOperator<ai.djl.ndarray.NDArray>> replaceLayers) {
    /** Hidden state only: the cheapest pass, for feeding a hidden state back. */
    public static final Taps HIDDEN = new Taps(false, false, Set.of(), Map.of());
    /** Hidden state and logits. */
    public static final Taps LOGITS = new Taps(true, false, Set.of(), Map.of());
    /** Hidden state, logits and the residual stream of every layer. */
    public static final Taps ALL = new Taps(true, true, Set.of(), Map.of());

    public Taps {
        skipLayers = skipLayers == null ? Set.of() : Set.copyOf(skipLayers);
        replaceLayers = replaceLayers == null ? Map.of() : Map.copyOf(replaceLayers);
    }

    /** The name of a residual-stream hook point. */
    public static String hook(int layer, String point) {
        return "blocks." + layer + ".hook_" + point;
    }
}
