package org.latentlab.method.latentseek;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of LatentSeek, checked.
 *
 * @param fraction     ρ, the share of the first greedy solution's tokens whose latents are optimised: k = ⌈ρ·T⌉ (0.2, the paper's)
 * @param iterations   the most policy-gradient steps per problem, each followed by one decode (10)
 * @param learningRate Adam's step size on the latents (0.03, the paper's)
 * @param threshold    the search stops at the first answer whose reward reaches it (1.0)
 * @param baseline     b in the advantage R − b that weights the policy gradient (1.0): with a 0/1 reward a wrong answer
 *                     (R = 0) then pushes the latents away from their own tokens, as the paper's negative self-reward does
 */
record LatentSeekOptions(double fraction, int iterations, double learningRate, double threshold, double baseline) {

    static final String FRACTION = "fraction";
    static final String ITERATIONS = "iterations";
    static final String LEARNING_RATE = "learningRate";
    static final String THRESHOLD = "threshold";
    static final String BASELINE = "baseline";

    static final Set<String> NAMES = Set.of(FRACTION, ITERATIONS, LEARNING_RATE, THRESHOLD, BASELINE);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static LatentSeekOptions of(Map<String, Object> options) {
        OptionChecks checks = new OptionChecks(LatentSeek.NAME, options, NAMES);
        return new LatentSeekOptions(
                checks.fraction(FRACTION, 0.2),
                (int) checks.whole(ITERATIONS, 10, 0, Integer.MAX_VALUE),
                checks.positive(LEARNING_RATE, 0.03),
                checks.finite(THRESHOLD, 1.0),
                checks.finite(BASELINE, 1.0));
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(FRACTION, fraction);
        settings.put(ITERATIONS, iterations);
        settings.put(LEARNING_RATE, learningRate);
        settings.put(THRESHOLD, threshold);
        settings.put(BASELINE, baseline);
        return settings;
    }

    /** k = ⌈ρ·T⌉ latents optimised of a solution of {@code length} tokens, at least one and at most all of them. */
    int optimisedLatents(int length) {
        return Math.max(1, Math.min(length, (int) Math.ceil(fraction * length - 1e-9)));
    }
}
