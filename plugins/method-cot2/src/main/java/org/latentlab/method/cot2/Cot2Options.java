package org.latentlab.method.cot2;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The options of the CoT2 method, checked.
 *
 * @param feedback    what the continuous steps read during training: the target superpositions (teacher forcing, one
 *                    pass) or the model's own previous distributions (pass by pass, gradients through the chain)
 * @param beam        B, the top-B variant of the target: the B heaviest words of each step's distribution (the written
 *                    step always among them), renormalised; 0 keeps every word
 * @param decoding    how evaluation feeds a continuous step: the whole distribution, or the mean embedding of
 *                    {@code samples} tokens drawn from it (multi-token sampling, CoT2-MTS)
 * @param samples     K, the tokens drawn per continuous step by sampled decoding and by the policy (K = 1 is discrete CoT)
 * @param temperature the softmax temperature of every distribution the model predicts for a step or a token
 * @param seed        the random stream of sampled decoding at evaluation, mixed with each example's id
 */
record Cot2Options(Feedback feedback, int beam, Decoding decoding, int samples, double temperature, long seed) {

    /** What a continuous step reads during training. */
    enum Feedback {
        TARGET, MODEL;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a continuous step reads at evaluation. */
    enum Decoding {
        CONTINUOUS, SAMPLE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String FEEDBACK = "feedback";
    static final String BEAM = "beam";
    static final String DECODING = "decoding";
    static final String SAMPLES = "samples";
    static final String TEMPERATURE = "temperature";
    static final String SEED = "seed";

    /** The most tokens one continuous step may draw. */
    static final int MAX_SAMPLES = 1024;

    static final Set<String> NAMES = Set.of(FEEDBACK, BEAM, DECODING, SAMPLES, TEMPERATURE, SEED);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static Cot2Options of(Map<String, Object> options) {
        return new Cot2Options(
                choice(options, FEEDBACK, Feedback.values(), Feedback.TARGET, Feedback::word),
                (int) whole(options, BEAM, 0, 0, Integer.MAX_VALUE),
                choice(options, DECODING, Decoding.values(), Decoding.CONTINUOUS, Decoding::word),
                (int) whole(options, SAMPLES, 1, 1, MAX_SAMPLES),
                temperature(options),
                whole(options, SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(FEEDBACK, feedback.word());
        settings.put(BEAM, beam);
        settings.put(DECODING, decoding.word());
        settings.put(SAMPLES, samples);
        settings.put(TEMPERATURE, temperature);
        settings.put(SEED, seed);
        return settings;
    }

    /** The random stream of sampled decoding for one example: the same seed and id give the same draws. */
    Random randomFor(String exampleId) {
        return new Random(seed * 0x9E3779B97F4A7C15L + exampleId.hashCode());
    }

    private static long whole(Map<String, Object> options, String name, long fallback, long min, long max) {
        Object value = options.getOrDefault(name, fallback);
        boolean ok = value instanceof Number n && isWhole(n) && n.doubleValue() >= min && n.doubleValue() <= max;
        if (!ok) {
            String range = max == Long.MAX_VALUE && min == Long.MIN_VALUE ? ""
                    : max >= Integer.MAX_VALUE ? " of at least " + min : " from " + min + " to " + max;
            throw new IllegalArgumentException("The cot2 method's option '" + name + "' must be a whole number" + range
                    + ", not " + value + ".");
        }
        return ((Number) value).longValue();
    }

    private static boolean isWhole(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    private static double temperature(Map<String, Object> options) {
        Object value = options.getOrDefault(TEMPERATURE, 1.0);
        if (!(value instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("The cot2 method's option '" + TEMPERATURE + "' must be a positive number, not "
                    + value + ".");
        }
        return n.doubleValue();
    }

    private static <E extends Enum<E>> E choice(Map<String, Object> options, String name, E[] values, E fallback,
                                                java.util.function.Function<E, String> word) {
        Object value = options.getOrDefault(name, word.apply(fallback));
        for (E e : values) {
            if (word.apply(e).equals(value)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            allowed.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append('"').append(word.apply(values[i])).append('"');
        }
        throw new IllegalArgumentException("The cot2 method's option '" + name + "' must be " + allowed + ", not " + value + ".");
    }
}
