package org.latentlab.probe.superposition;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;


/**
 * The options of the superposition probe, checked.
 *
 * @param examples      the most examples with step distributions to probe, from the first
 * @param threshold     the probability above which a vocabulary entry counts as a path the step carries
 * @param methodOptions settings laid over the stage's before the method runs; a null value removes a setting
 */
record SuperpositionOptions(int examples, double threshold, Map<String, Object> methodOptions) {

    static final String EXAMPLES = "examples";
    static final String THRESHOLD = "threshold";
    static final String METHOD_OPTIONS = "methodOptions";
    static final Set<String> NAMES = Set.of(EXAMPLES, THRESHOLD, METHOD_OPTIONS);

    SuperpositionOptions {
        methodOptions = Collections.unmodifiableMap(new LinkedHashMap<>(methodOptions));
    }

    /** Reads and checks the options; absent options take their defaults. */
    static SuperpositionOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The superposition probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new SuperpositionOptions(examples(options.getOrDefault(EXAMPLES, 100)), threshold(options.getOrDefault(THRESHOLD, 0.05)),
                methodOptions(options.getOrDefault(METHOD_OPTIONS, Map.of())));
    }

    private static int examples(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The superposition probe's option '" + EXAMPLES + "' must be a whole number of at least 1, not "
                    + value + ".");
        }
        return n.intValue();
    }

    private static double threshold(Object value) {
        if (!(value instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() < 1)) {
            throw new IllegalArgumentException("The superposition probe's option '" + THRESHOLD
                    + "' must be a probability strictly between 0 and 1, not " + value + ".");
        }
        return n.doubleValue();
    }

    private static Map<String, Object> methodOptions(Object value) {
        boolean ok = value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String);
        if (!ok) {
            throw new IllegalArgumentException("The superposition probe's option '" + METHOD_OPTIONS
                    + "' must be an object of method settings to lay over the stage's, such as {\"feedback\": \"model\"}, not " + value + ".");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        ((Map<?, ?>) value).forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
