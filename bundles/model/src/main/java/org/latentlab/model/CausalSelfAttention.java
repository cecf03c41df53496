package org.latentlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/**
 * Multi-head causal self-attention with a fused query/key/value projection:
 * {@code softmax(Q Kᵀ / sqrt(d_head) + mask) V} per head, heads concatenated and projected (Vaswani et al. 2017, eq. 1).
 * Keys are kept transposed, {@code [batch, heads, headDim, positions]}, so that every product starts from an array
 * of the current pass and lands in the caller's manager, never in the cache's.
 */
final class CausalSelfAttention {
    private final int dModel;
    private final int heads;
    private final int headDim;
    private final NDArray scale;
    private final int layer;
    private final NDArray qkvWeight;
    private final NDArray qkvBias;
    private final NDArray projWeight;
    private final NDArray projBias;

    CausalSelfAttention(Initialisation init, String name, int layer, int dModel, int heads, float residualStd) {
        this.dModel = dModel;
        this.heads = heads;
        this.headDim = dModel / heads;
        this.scale = init.scalar((float) (1.0 / Math.sqrt(headDim)));   // an array: see Initialisation.scalar
        this.layer = layer;
        qkvWeight = init.normal(name + ".qkv.weight", new Shape(3L * dModel, dModel), Initialisation.STD);
        qkvBias = init.constant(name + ".qkv.bias", new Shape(3L * dModel), 0f);
        projWeight = init.normal(name + ".proj.weight", new Shape(dModel, dModel), residualStd);
        projBias = init.constant(name + ".proj.bias", new Shape(dModel), 0f);
    }

    /**
     * Attends from {@code x} {@code [batch, T, d]} to the cached columns (if any) and to itself, under {@code mask}: the
     * pass's {@link #causalMask} or {@link #paddedCausalMask}, made once per pass and shared by every layer.
     */
    NDArray apply(NDArray x, GptKvCache cache, NDArray mask) {
        long batch = x.getShape().get(0);
        long time = x.getShape().get(1);
        NDArray queries = splitHeads(project(x, 0), batch, time).mul(scale);              // Q / sqrt(d_head)
        NDArray keysT = splitHeads(project(x, 1), batch, time).transpose(0, 1, 3, 2);      // Kᵀ
        NDArray values = splitHeads(project(x, 2), batch, time);                          // V
        if (cache != null) {
            NDArray[] extended = cache.extend(layer, keysT, values);
            keysT = extended[0];
            values = extended[1];
        }
        NDArray scores = queries.matMul(keysT).add(mask);                                 // [B, H, T, past + T]
        NDArray attended = scores.softmax(-1).matMul(values);                            // [B, H, T, headDim]
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(batch, time, dModel);
        return Linear.linear(merged, projWeight, projBias).singletonOrThrow();
    }

    /** Appends this pass's keys and values to the cache without attending: what a skipped block still owes the cache. */
    void remember(NDArray x, GptKvCache cache) {
        long batch = x.getShape().get(0);
        long time = x.getShape().get(1);
        cache.extend(layer, splitHeads(project(x, 1), batch, time).transpose(0, 1, 3, 2), splitHeads(project(x, 2), batch, time));
    }

    /**
     * Part {@code part} (0 queries, 1 keys, 2 values) of the fused projection: a product with that third of the weight
     * alone. One product over the whole weight, split after, costs the same forward but its backward concatenates three
     * strided gradients of the activations' size (measured at about 5% of a CoT training step on the CPU); the slices'
     * backward writes weight-sized gradients instead.
     */
    private NDArray project(NDArray x, int part) {
        String rows = (part * dModel) + ":" + ((part + 1) * dModel);
        NDArray weight = qkvWeight.get(rows);
        NDArray bias = qkvBias.get(rows);
        // the views belong to the pass, not to the parameters' manager, which would keep them for the model's lifetime
        weight.attach(x.getManager());
        bias.attach(x.getManager());
        return Linear.linear(x, weight, bias).singletonOrThrow();
    }

    /** {@code [B, T, d]} to {@code [B, heads, T, headDim]}. */
    private NDArray splitHeads(NDArray a, long batch, long time) {
        return a.reshape(batch, time, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** {@code [T, past + T]}: 0 where new position i may see position j (j ≤ past + i), -inf elsewhere. */
    static NDArray causalMask(NDManager manager, int past, int t) {
        int span = past + t;
        float[] mask = new float[t * span];
        for (int i = 0; i < t; i++) {
            for (int j = past + i + 1; j < span; j++) {
                mask[i * span + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(t, span));
    }

    /**
     * {@code [batch, 1, T, past + T]}: 0 where new column i of a row may see column j, -inf elsewhere. Column j is seen
     * iff j ≤ past + i and j is a real input of that row (cached: {@code cache.isReal}; new: {@code passReal}
     * {@code [batch * T]} row-major, null for all real), or j is the query's own column, so that no row of scores is
     * all -inf (softmax would give NaN at a padded query, and NaN would spread to real ones through later layers).
     */
    static NDArray paddedCausalMask(NDManager manager, GptKvCache cache, boolean[] passReal, int batch, int past, int t) {
        int span = past + t;
        float[] mask = new float[batch * t * span];
        for (int row = 0; row < batch; row++) {
            for (int i = 0; i < t; i++) {
                int offset = (row * t + i) * span;
                for (int j = 0; j < span; j++) {
                    boolean real = j < past ? cache.isReal(row, j) : passReal == null || passReal[row * t + j - past];
                    boolean visible = j == past + i || (j < past + i && real);
                    if (!visible) {
                        mask[offset + j] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return manager.create(mask, new Shape(batch, 1, t, span));
    }
}
