package org.latentlab.method.colar;

import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import org.latentlab.api.model.Backbone;

/**
 * CoLaR's latent head (§3.2): an MLP on the final hidden state h that predicts the next compressed embedding as a
 * Gaussian, u = GELU(h W_u + b_u), μ = u W_μ + b_μ, log σ = u W_σ + b_σ, all d → d. It predicts in units of the token
 * embeddings' spread σ_e (targets are c / σ_e, latents fed are z · σ_e), so its outputs stay near unit scale whatever the
 * embeddings' scale.
 */
final class LatentHead {

    static final String HIDDEN_WEIGHT = "colar.latentHead.hidden.weight";
    static final String HIDDEN_BIAS = "colar.latentHead.hidden.bias";
    static final String MEAN_WEIGHT = "colar.latentHead.mean.weight";
    static final String MEAN_BIAS = "colar.latentHead.mean.bias";
    static final String LOG_STD_WEIGHT = "colar.latentHead.logStd.weight";
    static final String LOG_STD_BIAS = "colar.latentHead.logStd.bias";

    /** ½ log 2π, the constant of the Gaussian log-density. */
    static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    /** The head's Gaussian: means and log standard deviations, each {@code [..., d]}. */
    record Prediction(NDArray mean, NDArray logStd) {
        /** σ = exp(log σ). */
        NDArray std() {
            return logStd.exp();
        }
    }

    private final NDArray hiddenWeight;
    private final NDArray hiddenBias;
    private final NDArray meanWeight;
    private final NDArray meanBias;
    private final NDArray logStdWeight;
    private final NDArray logStdBias;

    private LatentHead(Map<String, NDArray> parameters) {
        this.hiddenWeight = parameters.get(HIDDEN_WEIGHT);
        this.hiddenBias = parameters.get(HIDDEN_BIAS);
        this.meanWeight = parameters.get(MEAN_WEIGHT);
        this.meanBias = parameters.get(MEAN_BIAS);
        this.logStdWeight = parameters.get(LOG_STD_WEIGHT);
        this.logStdBias = parameters.get(LOG_STD_BIAS);
    }

    /**
     * Adds the head's parameters to the model (outside gradient recording): weights drawn from N(0, 1/d), biases zero, the
     * log-σ weights zero so that σ starts at 1 (one embedding spread). Adding them again returns the existing ones.
     */
    static void addTo(Backbone model, long seed) {
        int d = model.config().dModel();
        Random random = new Random(seed);
        Shape square = new Shape(d, d);
        Shape vector = new Shape(d);
        model.addParameter(HIDDEN_WEIGHT, square, gaussian(d * d, 1 / Math.sqrt(d), random));
        model.addParameter(HIDDEN_BIAS, vector, new float[d]);
        model.addParameter(MEAN_WEIGHT, square, gaussian(d * d, 1 / Math.sqrt(d), random));
        model.addParameter(MEAN_BIAS, vector, new float[d]);
        model.addParameter(LOG_STD_WEIGHT, square, new float[d * d]);
        model.addParameter(LOG_STD_BIAS, vector, new float[d]);
    }

    /** The head of {@code model}, whose parameters {@link #addTo} added. */
    static LatentHead of(Backbone model) {
        Map<String, NDArray> parameters = model.parameters();
        for (String name : new String[] {HIDDEN_WEIGHT, HIDDEN_BIAS, MEAN_WEIGHT, MEAN_BIAS, LOG_STD_WEIGHT, LOG_STD_BIAS}) {
            if (!parameters.containsKey(name)) {
                throw new IllegalStateException("The colar method's latent head parameter '" + name
                        + "' is not in the model; initialise the model with the colar method before training or evaluating it.");
            }
        }
        return new LatentHead(parameters);
    }

    /** μ and log σ from final hidden states {@code [..., d]}. */
    Prediction predict(NDArray hidden) {
        NDArray u = Activation.gelu(hidden.matMul(hiddenWeight).add(hiddenBias));   // u = GELU(h W_u + b_u)
        return new Prediction(u.matMul(meanWeight).add(meanBias), u.matMul(logStdWeight).add(logStdBias));
    }

    /**
     * The latent loss, averaged over every element (§3.2). Soft MSE: ẑ = μ + σ·ε (reparameterised), mean((ẑ − target)²).
     * NLL: mean(½((target − μ)/σ)² + log σ), the Gaussian negative log-likelihood without its constant. {@code target} is
     * expected detached.
     */
    static NDArray loss(NDArray mean, NDArray std, NDArray noise, NDArray target, ColarOptions.LatentLoss mode) {
        NDManager manager = mean.getManager();
        if (mode == ColarOptions.LatentLoss.SOFT_MSE) {
            NDArray sample = mean.add(std.mul(noise));   // ẑ = μ + σ ε
            return sample.sub(target).square().mean();
        }
        NDArray half = manager.create(0.5f).toDevice(mean.getDevice(), false);
        return target.sub(mean).div(std).square().mul(half).add(std.log()).mean();
    }

    /**
     * The Gaussian log-density of {@code latent} under N(μ, σ), averaged (not summed) over the d dimensions, {@code [...]}:
     * mean_i(−½((z_i − μ_i)/σ_i)² − log σ_i − ½ log 2π). The mean keeps a latent's log-probability on the scale of one
     * token's, so a policy's importance ratios stay tame.
     */
    static NDArray logDensity(NDArray latent, Prediction prediction) {
        NDManager manager = latent.getManager();
        NDArray half = manager.create(0.5f).toDevice(latent.getDevice(), false);
        NDArray constant = manager.create((float) HALF_LOG_TWO_PI).toDevice(latent.getDevice(), false);
        NDArray standardised = latent.sub(prediction.mean()).div(prediction.std());
        return standardised.square().mul(half).add(prediction.logStd()).add(constant).neg().mean(new int[] {-1});
    }

    /** The same log-density on the host, for a latent drawn as z = μ + σ ε: mean_i(−½ ε_i² − log σ_i − ½ log 2π). */
    static double logDensity(double[] noise, float[] logStd, int offset) {
        double sum = 0;
        for (int i = 0; i < noise.length; i++) {
            sum += -0.5 * noise[i] * noise[i] - logStd[offset + i] - HALF_LOG_TWO_PI;
        }
        return sum / noise.length;
    }

    /** σ_e, the standard deviation of every entry of the token embedding matrix, on the host (it is never trained through). */
    static float embeddingScale(Backbone model, NDManager manager) {
        int size = model.config().vocabularySize();
        int[] all = new int[size];
        for (int v = 0; v < size; v++) {
            all[v] = v;
        }
        float[] e = model.embed(manager.create(all, new Shape(1, size))).stopGradient().toFloatArray();
        double mean = 0;
        for (float x : e) {
            mean += x;
        }
        mean /= e.length;
        double variance = 0;
        for (float x : e) {
            variance += (x - mean) * (x - mean);
        }
        return (float) Math.sqrt(variance / e.length);
    }

    private static float[] gaussian(int n, double std, Random random) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextGaussian() * std);
        }
        return out;
    }
}
