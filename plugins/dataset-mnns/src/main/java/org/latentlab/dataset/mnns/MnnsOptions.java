package org.latentlab.dataset.mnns;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.latentlab.api.data.DatasetOptions;

/**
 * The generator's settings, read from {@code DatasetSpec.options}.
 *
 * @param digits the number m of digits in a problem
 * @param split  how problems are kept apart between train, validation and test
 */
record MnnsOptions(int digits, Split split) {

    /** How the splits are drawn. */
    enum Split {
        /** Each split draws digits at random; no question is in two splits. */
        RANDOM,
        /** Each multiset of digits belongs to one split, so no split sees a reordering of another's problem. */
        MULTISET;

        String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String DIGITS = "digits";
    static final String SPLIT = "split";
    /** Every option name the mnns adapter knows. */
    static final List<String> ACCEPTED = List.of(DIGITS, SPLIT);

    static final int DEFAULT_DIGITS = 4;
    static final int FEWEST_DIGITS = 2;
    static final int MOST_DIGITS = 12;

    MnnsOptions {
        if (digits < FEWEST_DIGITS || digits > MOST_DIGITS) {
            throw new IllegalArgumentException("The mnns option '" + DIGITS + "' is " + digits + "; it must be between "
                    + FEWEST_DIGITS + " and " + MOST_DIGITS + ".");
        }
    }

    /** Reads the options of a dataset spec; names other than {@link #ACCEPTED} are refused. */
    static MnnsOptions from(Map<String, Object> options) {
        DatasetOptions.acceptOnly("mnns", options, ACCEPTED);
        int digits = DatasetOptions.wholeNumber("mnns", options, DIGITS, DEFAULT_DIGITS, "digits");
        return new MnnsOptions(digits, split(options.get(SPLIT)));
    }

    private static Split split(Object value) {
        if (value == null) {
            return Split.RANDOM;
        }
        for (Split split : Split.values()) {
            if (value instanceof String text && split.optionValue().equals(text.trim())) {
                return split;
            }
        }
        throw new IllegalArgumentException("The mnns option '" + SPLIT + "' is '" + value + "'; it must be random or multiset.");
    }

    /** How many distinct questions there are: 9<sup>m</sup>. */
    long distinctQuestions() {
        long count = 1;
        for (int i = 0; i < digits; i++) {
            count *= 9;
        }
        return count;
    }
}
