package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the frontier probe, checked.
 *
 * @param thoughts     the numbers of thoughts k after which the model is forced back into language, in the order given
 * @param examples     the most examples with a graph to probe
 * @param maxNewTokens the most tokens the model may write after k thoughts
 */
record FrontierOptions(List<Integer> thoughts, int examples, int maxNewTokens) {

    static final String THOUGHTS = "thoughts";
    static final String EXAMPLES = "examples";
    static final String MAX_NEW_TOKENS = "maxNewTokens";
    static final Set<String> NAMES = Set.of(THOUGHTS, EXAMPLES, MAX_NEW_TOKENS);
    static final int MAX_EXAMPLES = 10_000;

    FrontierOptions {
        thoughts = List.copyOf(thoughts);
    }

    static FrontierOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The frontier probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new FrontierOptions(thoughts(options.getOrDefault(THOUGHTS, List.of(1, 2, 3))),
                whole(options, EXAMPLES, 100, 1, MAX_EXAMPLES), whole(options, MAX_NEW_TOKENS, 64, 1, Integer.MAX_VALUE));
    }

    private static List<Integer> thoughts(Object value) {
        LinkedHashSet<Integer> out = new LinkedHashSet<>();
        boolean ok = value instanceof List<?> list && !list.isEmpty();
        if (ok) {
            for (Object k : (List<?>) value) {
                if (!isWhole(k, 1, Integer.MAX_VALUE) || !out.add(((Number) k).intValue())) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("The frontier probe's option '" + THOUGHTS
                    + "' must be a non-empty list of distinct whole numbers of at least 1 (the numbers of thoughts after which"
                    + " to read the frontier), not " + value + ".");
        }
        return new ArrayList<>(out);
    }

    private static int whole(Map<String, Object> options, String name, int fallback, int min, int max) {
        Object value = options.getOrDefault(name, fallback);
        if (!isWhole(value, min, max)) {
            String range = max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max;
            throw new IllegalArgumentException("The frontier probe's option '" + name + "' must be a whole number " + range
                    + ", not " + value + ".");
        }
        return ((Number) value).intValue();
    }

    private static boolean isWhole(Object value, int min, int max) {
        return value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= min
                && n.doubleValue() <= max;
    }
}
