package org.latentlab.dataset.prontoqa;

import java.util.List;
import java.util.Map;

import org.latentlab.api.data.DatasetOptions;

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
        DatasetOptions.acceptOnly("prontoqa", options, ACCEPTED);
        return new ProntoQaOptions(DatasetOptions.wholeNumber("prontoqa", options, HOPS, PUBLISHED_HOPS, "hops"));
    }
}
