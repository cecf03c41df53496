package org.latentlab.probe.drift;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the drift probe, checked.
 *
 * @param examples the most examples to probe, from the first
 */
record DriftOptions(int examples) {

    static final String EXAMPLES = "examples";
    static final Set<String> NAMES = Set.of(EXAMPLES);

    /** Reads and checks the options; absent options take their defaults. */
    static DriftOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The drift probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new DriftOptions(examples(options.getOrDefault(EXAMPLES, 200)));
    }

    private static int examples(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The drift probe's option '" + EXAMPLES + "' must be a whole number of at least 1, not "
                    + value + ".");
        }
        return n.intValue();
    }
}
