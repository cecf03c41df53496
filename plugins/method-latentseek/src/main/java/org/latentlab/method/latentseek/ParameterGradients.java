package org.latentlab.method.latentseek;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.model.Backbone;

/**
 * The gradients of a model's parameters as they were before a search differentiated through its LM head, so that they
 * can be put back: backward through lmHead(z) adds to the gradients of the head's weights, which a search must not leave
 * behind.
 */
final class ParameterGradients {

    private final List<NDArray> saved;

    private ParameterGradients(List<NDArray> saved) {
        this.saved = saved;
    }

    /** Copies of the gradients of {@code model}'s parameters that record one, in {@code scope}. */
    static ParameterGradients save(Backbone model, NDManager scope) {
        List<NDArray> saved = new ArrayList<>();
        for (NDArray parameter : model.parameters().values()) {
            if (!parameter.hasGradient()) {
                saved.add(null);
                continue;
            }
            try (NDArray gradient = parameter.getGradient()) {
                NDArray copy = gradient.duplicate();
                copy.attach(scope);
                saved.add(copy);
            }
        }
        return new ParameterGradients(saved);
    }

    /** Writes the saved gradients back into the parameters' own (zero where there was none yet). */
    void restore(Backbone model) {
        int i = 0;
        for (NDArray parameter : model.parameters().values()) {
            NDArray copy = saved.get(i++);
            if (copy == null) {
                continue;
            }
            try (NDArray gradient = parameter.getGradient()) {
                gradient.subi(gradient).addi(copy);
            }
        }
    }
}
