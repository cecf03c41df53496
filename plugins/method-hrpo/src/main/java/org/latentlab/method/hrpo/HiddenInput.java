package org.latentlab.method.hrpo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.model.Backbone;

/**
 * HRPO's hidden state projected to embedding space (paper §3.1): h̃ = pᵀE / ‖p‖, p = softmax(logits / τ), E the input
 * embedding matrix and ‖p‖ the L2 norm, so that a confident p gives about its token's embedding.
 */
final class HiddenInput {

    private final NDArray embeddings;
    private final NDArray temperature;

    private HiddenInput(NDArray embeddings, NDArray temperature) {
        this.embeddings = embeddings;
        this.temperature = temperature;
    }

    /** The projection through {@code model}'s input embeddings E {@code [V, d]} at temperature τ, with arrays of {@code manager}. */
    static HiddenInput of(Backbone model, double temperature, NDManager manager) {
        int size = model.config().vocabularySize();
        int[] ids = new int[size];
        for (int v = 0; v < size; v++) {
            ids[v] = v;
        }
        NDArray embeddings = model.embed(manager.create(ids, new Shape(1, size))).squeeze(0);   // E [V, d]
        NDArray tau = manager.create((float) temperature).toType(embeddings.getDataType(), false)
                .toDevice(embeddings.getDevice(), false);
        return new HiddenInput(embeddings, tau);
    }

    /** h̃ {@code [n, d]} from the logits {@code [n, V]} of the position that sampled the token. */
    NDArray from(NDArray logits) {
        NDArray p = logits.div(temperature).softmax(-1);   // p = softmax(logits / τ)
        NDArray norm = p.square().sum(new int[] {-1}, true).sqrt();                      // ‖p‖
        return p.matMul(embeddings).div(norm);                                           // pᵀE / ‖p‖
    }
}
