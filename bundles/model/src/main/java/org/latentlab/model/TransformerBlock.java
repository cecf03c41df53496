package org.latentlab.model;

import ai.djl.ndarray.NDArray;

/** One pre-LayerNorm block (GPT-2): {@code x + attn(ln1(x))}, then {@code + mlp(ln2(·))}. */
final class TransformerBlock {

    /** What a block adds to the residual stream, and the stream after it. */
    record Output(NDArray attnOut, NDArray mlpOut, NDArray residPost) {}

    private final LayerNormalization ln1;
    private final CausalSelfAttention attention;
    private final LayerNormalization ln2;
    private final Mlp mlp;

    TransformerBlock(Initialisation init, int layer, int dModel, int heads, float residualStd) {
        String name = "blocks." + layer;
        ln1 = new LayerNormalization(init, name + ".ln1", dModel);
        attention = new CausalSelfAttention(init, name + ".attn", layer, dModel, heads, residualStd);
        ln2 = new LayerNormalization(init, name + ".ln2", dModel);
        mlp = new Mlp(init, name + ".mlp", dModel, residualStd);
    }

    /** The block over {@code residPre} {@code [batch, T, d]}, attending under {@code mask} (see {@link CausalSelfAttention}). */
    Output apply(NDArray residPre, GptKvCache cache, NDArray mask) {
        NDArray attnOut = attention.apply(ln1.apply(residPre), cache, mask);
        NDArray residMid = residPre.add(attnOut);
        NDArray mlpOut = mlp.apply(ln2.apply(residMid));
        return new Output(attnOut, mlpOut, residMid.add(mlpOut));
    }

    /** A skipped block adds nothing, but still caches its keys and values so later passes see every position. */
    void skip(NDArray residPre, GptKvCache cache) {
        if (cache != null) {
            attention.remember(ln1.apply(residPre), cache);
        }
    }
}
