package org.latentlab.method.latentseek;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.model.Backbone;

/**
 * The instance-level policy gradient of LatentSeek (Li et al., eq. 4) with respect to the latents z_1 … z_k alone: each
 * z_t is a policy π(x | z_t) = softmax(lmHead(z_t)) over its token, and the loss is
 * −(R − b) · Σ_{t ≤ k} log π(x_t | z_t). The model is only read; backward through its LM head adds to its parameters'
 * gradients, which the caller puts back ({@link ParameterGradients}).
 */
final class LatentPolicyGradient {

    private LatentPolicyGradient() {
    }

    /**
     * ∂loss/∂z on the host, row-major {@code [k, dModel]}.
     *
     * @param latents   z_1 … z_k, row-major {@code [k, dModel]}
     * @param tokens    x_t for each t ≤ k
     * @param counted   how many of the first rows belong to the solution (the rest add nothing to the loss)
     * @param advantage R − b
     * @param type      the type of the model's hidden states
     */
    static float[] gradient(Backbone model, float[] latents, int[] tokens, int counted, double advantage, DataType type,
                            NDManager manager) {
        int k = tokens.length;
        long d = model.config().dModel();
        long[] index = new long[k];
        float[] mask = new float[k];
        for (int t = 0; t < k; t++) {
            index[t] = tokens[t];
            mask[t] = t < counted ? 1f : 0f;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray z = scope.create(latents, new Shape(k, d)).toType(type, false);
            z.setRequiresGradient(true);
            // every scalar on the gradient path is an array of this scope, which lives through backward
            NDArray weights = scope.create(mask, new Shape(k)).toType(type, false);
            NDArray minusAdvantage = scope.create(new float[] {(float) -advantage}, new Shape(1)).toType(type, false);
            NDArray selected = scope.create(index, new Shape(k, 1));
            try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
                NDArray logPolicy = model.lmHead(z).logSoftmax(-1).gather(selected, -1).squeeze(-1);   // log π(x_t | z_t), [k]
                NDArray loss = logPolicy.mul(weights).sum().reshape(1).mul(minusAdvantage);            // −(R − b) Σ_t log π(x_t | z_t)
                collector.backward(loss);
            }
            return z.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
        }
    }
}
