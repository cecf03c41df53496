package org.latentlab.method.colar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * CoLaR's compressed embeddings (§3.1): the reasoning tokens are cut into groups of r consecutive tokens (the last group
 * may hold only k &lt; r), and group j becomes one embedding c_j = Σ_{t ∈ group j} e(t) / √|group j|, which keeps the
 * scale of one token embedding when the tokens are roughly independent.
 */
final class Compression {

    private Compression() {
    }

    /** The number of groups of r tokens that {@code tokens} reasoning tokens make: ⌈tokens / r⌉. */
    static int groups(int tokens, int r) {
        return (tokens + r - 1) / r;
    }

    /** The size of group j (0-based) of {@code tokens} tokens in groups of r: r, or what is left for the last. */
    static int groupSize(int tokens, int r, int j) {
        return Math.min(r, tokens - j * r);
    }

    /**
     * The compression weights {@code [batch, maxGroups, maxTokens]}: 1/√|group j| where token t belongs to group j of row
     * b, 0 elsewhere (absent groups are rows of zeros), so that weights · e gives every c_j at once.
     */
    static NDArray weights(int[] tokens, int r, int maxGroups, int maxTokens, NDManager manager) {
        int batch = tokens.length;
        float[] w = new float[batch * maxGroups * maxTokens];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < groups(tokens[b], r); j++) {
                int size = groupSize(tokens[b], r, j);
                float weight = (float) (1 / Math.sqrt(size));   // c_j = Σ e(t) / √k
                for (int t = j * r; t < j * r + size; t++) {
                    w[(b * maxGroups + j) * maxTokens + t] = weight;
                }
            }
        }
        return manager.create(w, new Shape(batch, maxGroups, maxTokens));
    }

    /**
     * The compressed embeddings {@code [batch, maxGroups, d]} of reasoning token embeddings {@code [batch, maxTokens, d]}
     * of which row b uses the first {@code tokens[b]}; rows of absent groups are zero. Gradients reach the embeddings.
     */
    static NDArray compress(NDArray embeddings, int[] tokens, int r, NDManager manager) {
        int maxTokens = Math.toIntExact(embeddings.getShape().get(1));
        int maxGroups = 0;
        for (int n : tokens) {
            maxGroups = Math.max(maxGroups, groups(n, r));
        }
        if (maxGroups == 0) {
            return manager.zeros(new Shape(tokens.length, 0, embeddings.getShape().get(2)), embeddings.getDataType());
        }
        return weights(tokens, r, maxGroups, maxTokens, manager).matMul(embeddings);
    }
}
