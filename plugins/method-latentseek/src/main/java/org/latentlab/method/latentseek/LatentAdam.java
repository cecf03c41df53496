package org.latentlab.method.latentseek;

/**
 * Adam (Kingma and Ba) over one array of latents held on the host, with its moments kept across steps, as LatentSeek
 * optimises the latents of one problem: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², z ← z − η·m̂/(√v̂ + ε).
 */
final class LatentAdam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final double learningRate;
    private final double[] first;
    private final double[] second;
    private int steps;

    LatentAdam(int size, double learningRate) {
        this.learningRate = learningRate;
        this.first = new double[size];
        this.second = new double[size];
    }

    /** One step on {@code latents} in place along the gradient {@code gradient} of the loss. */
    void step(float[] latents, float[] gradient) {
        steps++;
        double firstCorrection = 1 - Math.pow(BETA1, steps);
        double secondCorrection = 1 - Math.pow(BETA2, steps);
        for (int i = 0; i < latents.length; i++) {
            double g = gradient[i];
            first[i] = BETA1 * first[i] + (1 - BETA1) * g;
            second[i] = BETA2 * second[i] + (1 - BETA2) * g * g;
            latents[i] -= (float) (learningRate * (first[i] / firstCorrection) / (Math.sqrt(second[i] / secondCorrection) + EPSILON));
        }
    }
}
