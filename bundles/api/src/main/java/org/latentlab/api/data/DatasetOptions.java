package org.latentlab.api.data;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Reading a dataset spec's {@code options}, with one-sentence errors that name the dataset and the option. */
public final class DatasetOptions {

    private DatasetOptions() {
    }

    /** Refuses any option name outside {@code accepted}. */
    public static void acceptOnly(String dataset, Map<String, Object> options, List<String> accepted) {
        for (String name : options.keySet()) {
            if (!accepted.contains(name)) {
                throw new IllegalArgumentException("The " + dataset + " dataset has no option '" + name + "'; it accepts "
                        + String.join(", ", accepted) + ".");
            }
        }
    }

    /**
     * The option as a whole number (a JSON number without a fraction, or a string of digits), or {@code fallback}
     * when absent; {@code unit} names what it counts, for the message.
     */
    public static int wholeNumber(String dataset, Map<String, Object> options, String name, int fallback, String unit) {
        if (!options.containsKey(name)) {
            return fallback;
        }
        Object value = options.get(name);
        try {
            if (value instanceof Number number) {
                return new BigDecimal(number.toString()).intValueExact();
            }
            if (value instanceof String text) {
                return Integer.parseInt(text.trim());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("The " + dataset + " option '" + name + "' must be a whole number of " + unit
                + ", not '" + value + "'.");
    }
}
