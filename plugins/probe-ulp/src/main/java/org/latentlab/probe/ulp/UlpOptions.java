package org.latentlab.probe.ulp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the ulp probe, checked.
 *
 * @param examples      the most examples to run through the method, from the first
 * @param seeds         how many times each decoder is trained, each seed redrawing the split and the initialisation
 * @param epochs        passes over a step's training latents per decoder
 * @param batchSize     latents per minibatch of a decoder's training
 * @param hidden        the width of the decoder's hidden layer and of its embeddings
 * @param heldOut       the share of a step's latents held out of training, on which the cross-entropies are measured
 * @param learningRate  Adam's learning rate
 * @param seed          the first seed; seed k of {@code seeds} is {@code seed + k}
 * @param methodOptions method settings laid over the probe's stage (a null value removes one)
 */
record UlpOptions(int examples, int seeds, int epochs, int batchSize, int hidden, double heldOut, double learningRate, long seed,
                  Map<String, Object> methodOptions) {

    static final String EXAMPLES = "examples";
    static final String SEEDS = "seeds";
    static final String EPOCHS = "epochs";
    static final String BATCH_SIZE = "batchSize";
    static final String HIDDEN = "hidden";
    static final String HELD_OUT = "heldOut";
    static final String LEARNING_RATE = "learningRate";
    static final String SEED = "seed";
    static final String METHOD_OPTIONS = "methodOptions";
    static final Set<String> NAMES = Set.of(EXAMPLES, SEEDS, EPOCHS, BATCH_SIZE, HIDDEN, HELD_OUT, LEARNING_RATE, SEED, METHOD_OPTIONS);

    static final int DEFAULT_EXAMPLES = 500;
    static final int DEFAULT_SEEDS = 3;
    static final int DEFAULT_EPOCHS = 30;
    static final int DEFAULT_BATCH_SIZE = 32;
    static final int DEFAULT_HIDDEN = 64;
    static final double DEFAULT_HELD_OUT = 0.3;
    static final double DEFAULT_LEARNING_RATE = 0.01;
    static final long DEFAULT_SEED = 0;

    /** Reads and checks the options; absent options take their defaults. */
    static UlpOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The ulp probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new UlpOptions(whole(options, EXAMPLES, DEFAULT_EXAMPLES, 1), whole(options, SEEDS, DEFAULT_SEEDS, 1),
                whole(options, EPOCHS, DEFAULT_EPOCHS, 1), whole(options, BATCH_SIZE, DEFAULT_BATCH_SIZE, 1),
                whole(options, HIDDEN, DEFAULT_HIDDEN, 1), heldOut(options.getOrDefault(HELD_OUT, DEFAULT_HELD_OUT)),
                learningRate(options.getOrDefault(LEARNING_RATE, DEFAULT_LEARNING_RATE)), seed(options.getOrDefault(SEED, DEFAULT_SEED)),
                methodOptions(options.getOrDefault(METHOD_OPTIONS, Map.of())));
    }

    /** The options as a table, each with the value this run used. */
    List<List<Object>> rows() {
        return List.of(List.of(EXAMPLES, examples), List.of(SEEDS, seeds), List.of(EPOCHS, epochs), List.of(BATCH_SIZE, batchSize),
                List.of(HIDDEN, hidden), List.of(HELD_OUT, heldOut), List.of(LEARNING_RATE, learningRate), List.of(SEED, seed));
    }

    private static int whole(Map<String, Object> options, String name, int fallback, int least) {
        Object value = options.getOrDefault(name, fallback);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < least
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The ulp probe's option '" + name + "' must be a whole number of at least " + least + ", not "
                    + value + ".");
        }
        return n.intValue();
    }

    private static double heldOut(Object value) {
        if (!(value instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() < 1)) {
            throw new IllegalArgumentException("The ulp probe's option '" + HELD_OUT
                    + "' must be a number between 0 and 1 (the share of latents held out of training), not " + value + ".");
        }
        return n.doubleValue();
    }

    private static double learningRate(Object value) {
        if (!(value instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("The ulp probe's option '" + LEARNING_RATE + "' must be a positive number, not " + value + ".");
        }
        return n.doubleValue();
    }

    private static long seed(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > 1e15) {
            throw new IllegalArgumentException("The ulp probe's option '" + SEED + "' must be a whole number, not " + value + ".");
        }
        return n.longValue();
    }

    /** The {@code methodOptions} option: method settings laid over the probe's stage, keyed by name. */
    static Map<String, Object> methodOptions(Object value) {
        if (!(value instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new IllegalArgumentException("The ulp probe's option '" + METHOD_OPTIONS
                    + "' must be an object of method settings to lay over the stage's, such as {\"feedback\": \"model\"}, not " + value + ".");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
