package org.latentlab.probe.gradient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the gradient probe, checked.
 *
 * @param examples      the most examples to probe, from the first
 * @param batchSize     examples differentiated together
 * @param loss          the loss whose gradient is read
 * @param methodOptions method settings laid over the probe's stage (a null value removes one)
 */
record GradientOptions(int examples, int batchSize, Loss loss, Map<String, Object> methodOptions) {

    static final String EXAMPLES = "examples";
    static final String BATCH_SIZE = "batchSize";
    static final String LOSS = "loss";
    static final String METHOD_OPTIONS = "methodOptions";
    static final Set<String> NAMES = Set.of(EXAMPLES, BATCH_SIZE, LOSS, METHOD_OPTIONS);
    static final int DEFAULT_EXAMPLES = 64;
    static final int DEFAULT_BATCH_SIZE = 16;

    /** The loss differentiated. */
    enum Loss {
        /** The experiment's training objective: its spec's losses, weighted and summed ({@code ProbeContext.objective()}). */
        TRAINING("training"),
        /** The cross-entropy of the answer tokens alone, after {@code <answer>} up to and including {@code <eos>}. */
        ANSWER("answer");

        final String word;

        Loss(String word) {
            this.word = word;
        }
    }

    /** Reads and checks the options; absent options take their defaults. */
    static GradientOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The gradient probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new GradientOptions(whole(EXAMPLES, options.getOrDefault(EXAMPLES, DEFAULT_EXAMPLES)),
                whole(BATCH_SIZE, options.getOrDefault(BATCH_SIZE, DEFAULT_BATCH_SIZE)),
                loss(options.getOrDefault(LOSS, Loss.TRAINING.word)),
                methodOptions(options.getOrDefault(METHOD_OPTIONS, Map.of())));
    }

    private static int whole(String name, Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The gradient probe's option '" + name + "' must be a whole number of at least 1, not "
                    + value + ".");
        }
        return n.intValue();
    }

    private static Loss loss(Object value) {
        for (Loss loss : Loss.values()) {
            if (loss.word.equals(value)) {
                return loss;
            }
        }
        throw new IllegalArgumentException("The gradient probe's option '" + LOSS + "' must be \"" + Loss.TRAINING.word
                + "\" (the experiment's training objective) or \"" + Loss.ANSWER.word + "\" (the answer tokens' cross-entropy), not "
                + value + ".");
    }

    /** The {@code methodOptions} option: method settings laid over the probe's stage, keyed by name. */
    static Map<String, Object> methodOptions(Object value) {
        if (!(value instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new IllegalArgumentException("The gradient probe's option '" + METHOD_OPTIONS
                    + "' must be an object of method settings to lay over the stage's, such as {\"padLatents\": true}, not " + value + ".");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
