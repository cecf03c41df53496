package org.latentlab.probe.logitlens;

import java.util.Map;
import java.util.Set;

/**
 * The options of the logit-lens probe, checked.
 *
 * @param topK      how many of the most probable tokens to list per position
 * @param examples  how many of the probe's examples to read, from the first
 * @param positions where to look, or null to choose by the method's traces ({@link LensPositions#byDefault})
 */
record LogitLensOptions(int topK, int examples, LensPositions positions) {

    static final String TOP_K = "topK";
    static final String EXAMPLES = "examples";
    static final String POSITIONS = "positions";

    static final Set<String> NAMES = Set.of(TOP_K, EXAMPLES, POSITIONS);

    /** Reads and checks the options; absent options take their defaults. */
    static LogitLensOptions of(Map<String, Object> options) {
        return new LogitLensOptions(whole(options, TOP_K, 5, 1, 50), whole(options, EXAMPLES, 32, 1, 10_000), positions(options));
    }

    private static int whole(Map<String, Object> options, String name, int fallback, int min, int max) {
        Object value = options.getOrDefault(name, fallback);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException("The logit-lens probe's option '" + name + "' must be a whole number from " + min + " to "
                    + max + ", not " + value + ".");
        }
        return n.intValue();
    }

    private static LensPositions positions(Map<String, Object> options) {
        Object value = options.get(POSITIONS);
        if (value == null) {
            return null;
        }
        for (LensPositions p : LensPositions.values()) {
            if (p.word().equals(value)) {
                return p;
            }
        }
        throw new IllegalArgumentException("The logit-lens probe's option '" + POSITIONS + "' must be \"latents\", \"answer\" or \"supervised\", not "
                + value + ".");
    }
}
