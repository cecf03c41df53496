package org.latentlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;

/** The position-wise MLP of a block: {@code proj(gelu(fc(x)))}, widening d to 4d and back. */
final class Mlp {
    private final NDArray fcWeight;
    private final NDArray fcBias;
    private final NDArray projWeight;
    private final NDArray projBias;

    Mlp(Initialisation init, String name, int dModel, float residualStd) {
        int hidden = 4 * dModel;
        fcWeight = init.normal(name + ".fc.weight", new Shape(hidden, dModel), Initialisation.STD);
        fcBias = init.constant(name + ".fc.bias", new Shape(hidden), 0f);
        projWeight = init.normal(name + ".proj.weight", new Shape(dModel, hidden), residualStd);
        projBias = init.constant(name + ".proj.bias", new Shape(dModel), 0f);
    }

    NDArray apply(NDArray x) {
        NDArray widened = Activation.gelu(Linear.linear(x, fcWeight, fcBias).singletonOrThrow());
        return Linear.linear(widened, projWeight, projBias).singletonOrThrow();
    }
}
