package org.latentlab.probe.drift;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the drift probe, checked.
 *
 * @param examples      the most examples to probe, from the first
 * @param methodOptions method settings laid over the probe's stage (a null value removes one)
 */
record DriftOptions(int examples, Map<String, Object> methodOptions) {

    static final String EXAMPLES = "examples";
    static final String METHOD_OPTIONS = "methodOptions";
    static final Set<String> NAMES = Set.of(EXAMPLES, METHOD_OPTIONS);

    /** Reads and checks the options; absent options take their defaults. */
    static DriftOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The drift probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new DriftOptions(examples(options.getOrDefault(EXAMPLES, 200)), methodOptions(options.getOrDefault(METHOD_OPTIONS, Map.of())));
    }

    private static int examples(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The drift probe's option '" + EXAMPLES + "' must be a whole number of at least 1, not "
                    + value + ".");
        }
        return n.intValue();
    }

    /** The {@code methodOptions} option: method settings laid over the probe's stage, keyed by name. */
    static Map<String, Object> methodOptions(Object value) {
        if (!(value instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new IllegalArgumentException("The drift probe's option '" + METHOD_OPTIONS
                    + "' must be an object of method settings to lay over the stage's, such as {\"feedback\": \"model\"}, not " + value + ".");
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
