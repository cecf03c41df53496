package org.latentlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/** LayerNorm over the last axis (Ba et al. 2016): {@code (x - mean) / sqrt(var + eps) * gamma + beta}. */
final class LayerNormalization {
    private static final float EPSILON = 1e-5f;

    private final NDArray gamma;
    private final NDArray beta;
    private final Shape normalizedShape;

    LayerNormalization(Initialisation init, String name, int width) {
        this.normalizedShape = new Shape(width);
        this.gamma = init.constant(name + ".gamma", normalizedShape, 1f);
        this.beta = init.constant(name + ".beta", normalizedShape, 0f);
    }

    NDArray apply(NDArray x) {
        return LayerNorm.layerNorm(x, normalizedShape, gamma, beta, EPSILON).singletonOrThrow();
    }
}
