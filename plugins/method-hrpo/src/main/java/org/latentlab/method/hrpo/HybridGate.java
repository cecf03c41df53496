package org.latentlab.method.hrpo;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.model.Backbone;

/**
 * HRPO's gated mixing of a sampled token's embedding ê with the hidden input h̃ (paper §3.1):
 * {@code e = a ⊙ ê + √(1 − a² + ε) ⊙ (i ⊙ h̃)}, {@code r = σ(ê W_r + b_r)}, {@code i = σ(ê W_i + b_i)},
 * {@code a = exp(−c · softplus(−Λ) ⊙ r)}, c = 8. Its parameters are added to the backbone, so the optimizer trains them
 * and checkpoints keep them.
 */
final class HybridGate {

    /** The decay's sharpness c. */
    static final float C = 8f;
    /** ε under the square root, as the paper's code adds it, so the gradient stays finite where a reaches 1. */
    static final float EPSILON = 1e-8f;

    static final String RESET_WEIGHT = "hrpo.gate_r.weight";
    static final String RESET_BIAS = "hrpo.gate_r.bias";
    static final String INPUT_WEIGHT = "hrpo.gate_i.weight";
    static final String INPUT_BIAS = "hrpo.gate_i.bias";
    static final String LAMBDA = "hrpo.Lambda";

    /** The seed of the gates' initial weights, fixed so that every copy of a model starts from the same gates. */
    private static final long SEED = 0x4852504FL;

    private final NDArray resetWeight;
    private final NDArray resetBias;
    private final NDArray inputWeight;
    private final NDArray inputBias;
    private final NDArray lambda;

    /** A gate over {@code [d, d]} weights (row-vector convention: ê W), {@code [d]} biases and {@code [d]} Λ. */
    HybridGate(NDArray resetWeight, NDArray resetBias, NDArray inputWeight, NDArray inputBias, NDArray lambda) {
        this.resetWeight = resetWeight;
        this.resetBias = resetBias;
        this.inputWeight = inputWeight;
        this.inputBias = inputBias;
        this.lambda = lambda;
    }

    /**
     * Adds the gate's parameters to {@code model}: W_r, W_i and their biases uniform in ±1/√d as a linear layer starts, and
     * Λ so that each dimension's a = base^r with the base uniform in [gateInit, 1 − (1 − gateInit) / 10].
     */
    static void addTo(Backbone model, double gateInit) {
        int d = model.config().dModel();
        Random random = new Random(SEED);
        double bound = 1 / Math.sqrt(d);
        model.addParameter(RESET_WEIGHT, new Shape(d, d), uniform(random, d * d, bound));
        model.addParameter(RESET_BIAS, new Shape(d), uniform(random, d, bound));
        model.addParameter(INPUT_WEIGHT, new Shape(d, d), uniform(random, d * d, bound));
        model.addParameter(INPUT_BIAS, new Shape(d), uniform(random, d, bound));
        double top = 1 - (1 - gateInit) / 10;
        float[] lambda = new float[d];
        for (int k = 0; k < d; k++) {
            lambda[k] = (float) lambdaFor(gateInit + (top - gateInit) * random.nextDouble());
        }
        model.addParameter(LAMBDA, new Shape(d), lambda);
    }

    /** Λ with softplus(−Λ) = −ln(base) / c, so that a = exp(−c · softplus(−Λ) · r) = base^r. */
    static double lambdaFor(double base) {
        return -Math.log(Math.pow(base, -1 / (double) C) - 1);
    }

    /** The gate of {@code model}, whose parameters {@link #addTo} added. */
    static HybridGate of(Backbone model) {
        return new HybridGate(parameter(model, RESET_WEIGHT), parameter(model, RESET_BIAS), parameter(model, INPUT_WEIGHT),
                parameter(model, INPUT_BIAS), parameter(model, LAMBDA));
    }

    /** e = a ⊙ ê + √(1 − a² + ε) ⊙ (i ⊙ h̃) for token embeddings ê and hidden inputs h̃ of one shape {@code [..., d]}. */
    NDArray mix(NDArray tokenEmbedding, NDArray hiddenInput, NDManager manager) {
        NDArray a = decay(tokenEmbedding, manager);
        NDArray i = sigmoid(tokenEmbedding.matMul(inputWeight).add(inputBias), manager);
        NDArray complement = scalar(1f, manager, a).sub(a.square()).add(scalar(EPSILON, manager, a)).sqrt();
        return a.mul(tokenEmbedding).add(complement.mul(i.mul(hiddenInput)));
    }

    /** a = exp(−c · softplus(−Λ) ⊙ r), r = σ(ê W_r + b_r): the weight of the token embedding, per dimension. */
    NDArray decay(NDArray tokenEmbedding, NDManager manager) {
        NDArray r = sigmoid(tokenEmbedding.matMul(resetWeight).add(resetBias), manager);
        NDArray rate = softplus(scalar(0f, manager, r).sub(lambda), manager).mul(scalar(-C, manager, r));
        return r.mul(rate).exp();
    }

    /** σ(x) = 1 / (1 + exp(−x)), built from arrays of {@code manager} only. */
    private static NDArray sigmoid(NDArray x, NDManager manager) {
        NDArray one = scalar(1f, manager, x);
        return one.div(one.add(scalar(0f, manager, x).sub(x).exp()));
    }

    /** softplus(x) = max(x, 0) + ln(1 + exp(−|x|)), stable for any x. */
    private static NDArray softplus(NDArray x, NDManager manager) {
        NDArray zero = scalar(0f, manager, x);
        return x.maximum(zero).add(scalar(1f, manager, x).add(zero.sub(x.abs()).exp()).log());
    }

    /** A scalar of {@code manager} on {@code like}'s device, as gradient paths need their constants. */
    static NDArray scalar(float value, NDManager manager, NDArray like) {
        return manager.create(value).toType(like.getDataType(), false).toDevice(like.getDevice(), false);
    }

    private static NDArray parameter(Backbone model, String name) {
        NDArray parameter = model.parameters().get(name);
        if (parameter == null) {
            throw new IllegalStateException("The hrpo method's parameter '" + name
                    + "' is missing from the model; initialise the method on the model before it samples, scores or solves.");
        }
        return parameter;
    }

    private static float[] uniform(Random random, int size, double bound) {
        float[] values = new float[size];
        for (int k = 0; k < size; k++) {
            values[k] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
        return values;
    }
}
