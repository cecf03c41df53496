package org.latentlab.method.latentseek;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads a method's options from a spec (any number type) and refuses each bad one in one sentence that names it. */
final class OptionChecks {

    private final String method;
    private final Map<String, Object> options;

    /**
     * @throws IllegalArgumentException when an option is not one of {@code names}
     */
    OptionChecks(String method, Map<String, Object> options, Set<String> names) {
        this.method = method;
        this.options = options == null ? Map.of() : options;
        for (String name : this.options.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("The " + method + " method has no option '" + name + "'; its options are "
                        + String.join(", ", new TreeSet<>(names)) + ".");
            }
        }
    }

    /** A finite number, {@code fallback} when absent. */
    double finite(String name, double fallback) {
        return number(name, fallback, Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, "a finite number");
    }

    /** A finite number above 0, {@code fallback} when absent. */
    double positive(String name, double fallback) {
        return number(name, fallback, 0, true, Double.POSITIVE_INFINITY, "a positive number");
    }

    /** A number above 0 and at most 1, {@code fallback} when absent. */
    double fraction(String name, double fallback) {
        return number(name, fallback, 0, true, 1, "a number above 0 and at most 1");
    }

    /** A whole number from {@code min} on (any whole number for {@link Long#MIN_VALUE}), {@code fallback} when absent. */
    long whole(String name, long fallback, long min, long max) {
        Object value = options.getOrDefault(name, fallback);
        boolean ok = value instanceof Number n && isWhole(n) && n.doubleValue() >= min && n.doubleValue() <= max;
        if (!ok) {
            String range = min == Long.MIN_VALUE ? "" : max >= Integer.MAX_VALUE ? " of at least " + min : " from " + min + " to " + max;
            throw new IllegalArgumentException("The " + method + " method's option '" + name + "' must be a whole number" + range
                    + ", not " + value + ".");
        }
        return ((Number) value).longValue();
    }

    private double number(String name, double fallback, double low, boolean lowExcluded, double high, String what) {
        Object value = options.getOrDefault(name, fallback);
        boolean ok = value instanceof Number n && Double.isFinite(n.doubleValue())
                && (lowExcluded ? n.doubleValue() > low : n.doubleValue() >= low) && n.doubleValue() <= high;
        if (!ok) {
            throw new IllegalArgumentException("The " + method + " method's option '" + name + "' must be " + what + ", not "
                    + value + ".");
        }
        return ((Number) value).doubleValue();
    }

    private static boolean isWhole(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }
}
