package org.latentlab.dataset.prontoqa;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The generator's settings, read from {@code DatasetSpec.options}.
 *
 * @param hops deductions from the entity's fact to the queried property: hops - 1 subsumptions and one property
 */
record ProntoQaOptions(int hops) {

    static final String HOPS = "hops";
    /** Every option name the prontoqa adapter knows. */
    static final List<String> ACCEPTED = List.of(HOPS);

    /** The Coconut paper's data: 5 hops. */
    static final int PUBLISHED_HOPS = 5;
    /** ProntoQA's own range of hops: {@code --min-hops 1 --max-hops 8} are its defaults. */
    static final int FEWEST_HOPS = 1;
    static final int MOST_HOPS = 8;

    ProntoQaOptions {
        if (hops < FEWEST_HOPS || hops > MOST_HOPS) {
            throw new IllegalArgumentException("The prontoqa option '" + HOPS + "' is " + hops + "; it must be between "
                    + FEWEST_HOPS + " and " + MOST_HOPS + " (the Coconut paper's data uses " + PUBLISHED_HOPS + ").");
        }
    }

    /** Reads the options of a dataset spec; names other than {@link #ACCEPTED} are refused. */
    static ProntoQaOptions from(Map<String, Object> options) {
        for (String name : options.keySet()) {
            if (!ACCEPTED.contains(name)) {
                throw new IllegalArgumentException("The prontoqa dataset has no option '" + name + "'; it accepts "
                        + String.join(", ", ACCEPTED) + ".");
            }
        }
        return new ProntoQaOptions(whole(options, HOPS, PUBLISHED_HOPS));
    }

    private static int whole(Map<String, Object> options, String name, int fallback) {
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
        throw new IllegalArgumentException("The prontoqa option '" + name + "' must be a whole number of hops, not '" + value + "'.");
    }
}
