package org.latentlab.method.cot2;

import java.util.Random;

/** Draws tokens on the host from a row of log-probabilities (vocabularies are small). */
final class TokenSampler {

    private TokenSampler() {
    }

    /**
     * {@code k} token ids drawn independently from the distribution whose log-probabilities are
     * {@code logProbabilities[offset … offset + size)}, one {@link Random#nextDouble()} each.
     */
    static int[] draw(float[] logProbabilities, int offset, int size, int k, Random random) {
        double[] cumulative = new double[size];
        double total = 0;
        int last = -1;
        for (int v = 0; v < size; v++) {
            double p = Math.exp(logProbabilities[offset + v]);
            if (p > 0) {
                last = v;
            }
            total += p;
            cumulative[v] = total;
        }
        if (last < 0 || !Double.isFinite(total)) {
            throw new IllegalStateException("The cot2 method cannot sample from a distribution with total mass " + total
                    + "; the model's logits are not finite.");
        }
        int[] out = new int[k];
        for (int j = 0; j < k; j++) {
            double u = random.nextDouble() * total;
            int lo = 0;
            int hi = size - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            // rounding may leave u at the very top: take the last token with mass
            out[j] = cumulative[lo] > u ? lo : last;
        }
        return out;
    }

    /** The mean of the drawn tokens' log-probabilities: the step's log-probability for the policy. */
    static double meanLogProbability(float[] logProbabilities, int offset, int[] tokens) {
        double sum = 0;
        for (int token : tokens) {
            sum += logProbabilities[offset + token];
        }
        return sum / tokens.length;
    }

    /** The weights {@code count / k} of each token among {@code tokens}, into {@code out[offset … offset + size)}. */
    static void mixture(int[] tokens, float[] out, int offset) {
        for (int token : tokens) {
            out[offset + token] += 1f / tokens.length;
        }
    }
}
