package org.latentlab.api.method;

import java.util.Random;

/** Draws a token on the host from a row of log-probabilities, as policies sample their rollouts (vocabularies are small). */
public final class TokenSampling {

    private TokenSampling() {
    }

    /**
     * A token id drawn from the distribution whose log-probabilities are {@code logProbabilities[offset … offset + size)},
     * with one {@link Random#nextDouble()}.
     *
     * @throws IllegalStateException when the row holds no finite probability mass (the model's logits are not finite)
     */
    public static int draw(float[] logProbabilities, int offset, int size, Random random) {
        double total = 0;
        int last = -1;
        for (int v = 0; v < size; v++) {
            double p = Math.exp(logProbabilities[offset + v]);
            if (p > 0) {
                last = v;
            }
            total += p;
        }
        if (last < 0 || !Double.isFinite(total)) {
            throw new IllegalStateException("Cannot sample a token from a distribution with total mass " + total
                    + "; the model's logits are not finite.");
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        for (int v = 0; v <= last; v++) {
            cumulative += Math.exp(logProbabilities[offset + v]);
            if (cumulative > u) {
                return v;
            }
        }
        return last;   // rounding left u at the very top
    }
}
