package org.latentlab.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * GPT-2's initialisation (Radford et al. 2019, section 2.3): weights drawn from N(0, 0.02²), LayerNorm gain 1 and
 * bias 0. Each parameter is filled on the Java side from its own {@link Random} stream seeded by the model seed and
 * the parameter's name, so the initial values are the same on every run, every device and every engine RNG state.
 * Every parameter is registered, in creation order, under its name.
 */
final class Initialisation {
    static final float STD = 0.02f;

    private final NDManager manager;
    private final long seed;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    Initialisation(NDManager manager, long seed) {
        this.manager = manager;
        this.seed = seed;
    }

    /** A weight drawn from N(0, std²). */
    NDArray normal(String name, Shape shape, float std) {
        Random stream = new Random(seed * 0x9E3779B97F4A7C15L + name.hashCode());
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (stream.nextGaussian() * std);
        }
        return register(name, values, shape);
    }

    /** A parameter filled with one value (LayerNorm gains 1, biases 0). */
    NDArray constant(String name, Shape shape, float value) {
        float[] values = new float[Math.toIntExact(shape.size())];
        java.util.Arrays.fill(values, value);
        return register(name, values, shape);
    }

    /**
     * A constant scalar operand that is not trained and lives as long as the model. Products must use one instead of
     * {@code NDArray.mul(Number)}: DJL wraps such a number in an array over a Java buffer that it frees at once, while
     * PyTorch keeps the operand of a product for the backward pass, which would then read freed memory.
     */
    NDArray scalar(float value) {
        return manager.create(value);
    }

    /** The parameters created so far, in creation order. */
    Map<String, NDArray> parameters() {
        return parameters;
    }

    private NDArray register(String name, float[] values, Shape shape) {
        if (parameters.containsKey(name)) {
            throw new IllegalStateException("Parameter '" + name + "' is created twice.");
        }
        NDArray parameter = manager.create(values, shape);
        parameter.setName(name);
        parameter.setRequiresGradient(true);
        parameters.put(name, parameter);
        return parameter;
    }
}
