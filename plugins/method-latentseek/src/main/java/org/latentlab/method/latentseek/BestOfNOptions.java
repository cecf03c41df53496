package org.latentlab.method.latentseek;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The options of best-of-N, checked.
 *
 * @param samples     N, the most answers decoded per problem, the greedy one included (11: the greedy one and as many
 *                    samples as LatentSeek's default iterations, so both spend the same decoding budget)
 * @param temperature the softmax temperature the samples are drawn at (1.0)
 * @param threshold   the search stops at the first answer whose reward reaches it (1.0)
 * @param seed        the random stream of the samples, mixed with each example's id (0)
 */
record BestOfNOptions(int samples, double temperature, double threshold, long seed) {

    static final String SAMPLES = "samples";
    static final String TEMPERATURE = "temperature";
    static final String THRESHOLD = "threshold";
    static final String SEED = "seed";

    static final Set<String> NAMES = Set.of(SAMPLES, TEMPERATURE, THRESHOLD, SEED);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static BestOfNOptions of(Map<String, Object> options) {
        OptionChecks checks = new OptionChecks(BestOfN.NAME, options, NAMES);
        return new BestOfNOptions(
                (int) checks.whole(SAMPLES, 11, 1, Integer.MAX_VALUE),
                checks.positive(TEMPERATURE, 1.0),
                checks.finite(THRESHOLD, 1.0),
                checks.whole(SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(SAMPLES, samples);
        settings.put(TEMPERATURE, temperature);
        settings.put(THRESHOLD, threshold);
        settings.put(SEED, seed);
        return settings;
    }

    /** The random stream of one example's samples: the same seed and id give the same draws. */
    Random randomFor(String exampleId) {
        return new Random(seed * 0x9E3779B97F4A7C15L + exampleId.hashCode());
    }
}
