package org.latentlab.probe.intrinsicdimension;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the intrinsic-dimension probe, checked.
 *
 * @param examples  the most examples to run through the method, from the first
 * @param maxPoints the most points a TwoNN estimate uses; a larger set is thinned to every k-th point
 * @param methodOptions method settings laid over the probe's stage (a null value removes one)
 */
record IntrinsicDimensionOptions(int examples, int maxPoints, Map<String, Object> methodOptions) {

    static final String EXAMPLES = "examples";
    static final String MAX_POINTS = "maxPoints";
    static final String METHOD_OPTIONS = "methodOptions";
    static final Set<String> NAMES = Set.of(EXAMPLES, MAX_POINTS, METHOD_OPTIONS);
    static final int DEFAULT_EXAMPLES = 200;
    static final int DEFAULT_MAX_POINTS = 2000;
    /** The fewest points an estimate is made from, and the least {@code maxPoints}. */
    static final int MIN_POINTS = 10;

    /** Reads and checks the options; absent options take their defaults. */
    static IntrinsicDimensionOptions of(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("The intrinsic-dimension probe has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(NAMES)) + ".");
            }
        }
        return new IntrinsicDimensionOptions(whole(EXAMPLES, options.getOrDefault(EXAMPLES, DEFAULT_EXAMPLES), 1),
                whole(MAX_POINTS, options.getOrDefault(MAX_POINTS, DEFAULT_MAX_POINTS), MIN_POINTS),
                methodOptions(options.getOrDefault(METHOD_OPTIONS, Map.of())));
    }

    private static int whole(String name, Object value, int least) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < least
                || n.doubleValue() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("The intrinsic-dimension probe's option '" + name + "' must be a whole number of at least "
                    + least + ", not " + value + ".");
        }
        return n.intValue();
    }

    /** The {@code methodOptions} option: method settings laid over the probe's stage, keyed by name. */
    static Map<String, Object> methodOptions(Object value) {
        if (!(value instanceof Map<?, ?> map) || !map.keySet().stream().allMatch(k -> k instanceof String)) {
            throw new IllegalArgumentException("The intrinsic-dimension probe's option '" + METHOD_OPTIONS
                    + "' must be an object of method settings to lay over the stage's, such as {\"feedback\": \"model\"}, not " + value + ".");
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> out.put((String) k, v));
        return out;
    }
}
