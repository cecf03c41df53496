package org.latentlab.probe.logitlens;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Taps;

/**
 * What the logit lens reads at one batch's positions (nostalgebraist, "interpreting GPT: the logit lens"): each layer's
 * residual stream decoded as if it were the last, {@code p_L = softmax(lmHead(finalNorm(resid_post_L)))}, compared
 * with the last layer's {@code p_final}, which is the model's own prediction.
 *
 * @param divergence     per layer and position, {@code KL(p_final || p_L)} in nats
 * @param top            per layer and position, the most probable token under {@code p_L}
 * @param topProbability per layer and position, its probability
 * @param topK           for the first positions asked for, the most probable tokens: of the continuous thought itself
 *                       when reading thoughts, else of {@code p_final}
 */
record LensReading(float[][] divergence, int[][] top, float[][] topProbability, List<List<RankedToken>> topK) {

    /** The hook every layer's residual stream is read at. */
    static String hook(int layer) {
        return Taps.hook(layer, "resid_post");
    }

    /**
     * Reads the lens at {@code positions} of a trace; {@code detailed} first positions also get their top {@code k} tokens.
     * Arrays are made in, and left to, {@code manager}.
     */
    static LensReading read(Backbone model, LatentTrace trace, List<LensPosition> positions, boolean thoughts, int detailed, int k,
                            NDManager manager) {
        int layers = model.config().layers();
        for (int layer = 0; layer < layers; layer++) {
            if (!trace.extras().containsKey(hook(layer))) {
                throw new IllegalStateException("The logit-lens probe reads the residual stream after every layer, but the method's trace has no '"
                        + hook(layer) + "'; use a method that provides the layer states.");
            }
        }
        Shape shape = trace.extras().get(hook(0)).getShape();   // [B, T, d]
        long columns = shape.get(1);
        long[] flat = positions.stream().mapToLong(p -> p.row() * columns + p.column()).toArray();
        NDArray index = manager.create(flat);

        int n = positions.size();
        float[][] divergence = new float[layers][];
        int[][] top = new int[layers][];
        float[][] topProbability = new float[layers][];
        NDArray finalLog = logProbabilities(model, trace, layers - 1, index);
        NDArray finalP = finalLog.exp();
        for (int layer = 0; layer < layers; layer++) {
            NDArray log = layer == layers - 1 ? finalLog : logProbabilities(model, trace, layer, index);
            // KL(p_final || p_L) = sum_v p_final(v) (log p_final(v) - log p_L(v)), from log-softmax so it stays finite
            divergence[layer] = finalP.mul(finalLog.sub(log)).sum(new int[] {-1}).maximum(0f).toFloatArray();
            top[layer] = log.argMax(-1).toType(DataType.INT32, false).toIntArray();
            topProbability[layer] = log.max(new int[] {-1}).exp().toFloatArray();
        }
        if (divergence[0].length != n) {
            throw new IllegalStateException("The logit-lens probe read " + divergence[0].length + " positions where it asked for " + n + ".");
        }

        int shown = Math.min(detailed, n);
        List<List<RankedToken>> topK = new ArrayList<>();
        if (shown > 0) {
            NDArray distribution = thoughts ? thoughtProbabilities(model, trace, positions.subList(0, shown), manager)
                    : finalP.get(new NDIndex("0:{}", shown));
            topK = ranked(distribution, k);
        }
        return new LensReading(divergence, top, topProbability, topK);
    }

    /** {@code log softmax(lmHead(finalNorm(resid_post_L)))} at the flat {@code row * T + column} indices: {@code [N, V]} float32. */
    private static NDArray logProbabilities(Backbone model, LatentTrace trace, int layer, NDArray index) {
        NDArray residual = trace.extras().get(hook(layer));
        Shape shape = residual.getShape();
        NDArray picked = residual.reshape(shape.get(0) * shape.get(1), shape.get(2)).get(index);   // [N, d]
        return model.lmHead(model.finalNorm(picked)).toType(DataType.FLOAT32, false).logSoftmax(-1);
    }

    /** The continuous thoughts themselves, already past the final norm, through the head: {@code [N, V]} float32. */
    private static NDArray thoughtProbabilities(Backbone model, LatentTrace trace, List<LensPosition> positions, NDManager manager) {
        NDArray latents = trace.latents();   // [B, n, d]
        Shape shape = latents.getShape();
        long steps = shape.get(1);
        long[] flat = positions.stream().mapToLong(p -> p.row() * steps + p.thought()).toArray();
        NDArray picked = latents.reshape(shape.get(0) * steps, shape.get(2)).get(manager.create(flat));
        return model.lmHead(picked).toType(DataType.FLOAT32, false).softmax(-1);
    }

    /** The {@code k} most probable tokens of each row of {@code [N, V]} probabilities, most probable first. */
    private static List<List<RankedToken>> ranked(NDArray probabilities, int k) {
        long vocabulary = probabilities.getShape().get(1);
        int kept = (int) Math.min(k, vocabulary);
        NDList best = probabilities.topK(kept, -1, true, true);
        float[] values = best.get(0).toType(DataType.FLOAT32, false).toFloatArray();
        int[] tokens = best.get(1).toType(DataType.INT32, false).toIntArray();
        List<List<RankedToken>> out = new ArrayList<>();
        for (int row = 0; row < values.length / kept; row++) {
            List<RankedToken> tokensOfRow = new ArrayList<>();
            for (int j = 0; j < kept; j++) {
                tokensOfRow.add(new RankedToken(tokens[row * kept + j], values[row * kept + j]));
            }
            out.add(tokensOfRow);
        }
        return out;
    }
}
