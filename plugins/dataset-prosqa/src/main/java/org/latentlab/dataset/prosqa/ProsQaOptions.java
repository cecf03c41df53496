package org.latentlab.dataset.prosqa;

import java.util.List;
import java.util.Map;

import org.latentlab.api.data.DatasetOptions;

/**
 * The generator's settings, read from {@code DatasetSpec.options}.
 *
 * @param minHops fewest steps on the shortest path from the person to the true concept
 * @param maxHops most steps on that path
 */
record ProsQaOptions(int minHops, int maxHops) {

    static final String MIN_HOPS = "minHops";
    static final String MAX_HOPS = "maxHops";
    /** Every option name the prosqa adapter knows. */
    static final List<String> ACCEPTED = List.of(MIN_HOPS, MAX_HOPS);

    /** The published data: shortest reasoning paths of 3 to 6 steps. */
    static final ProsQaOptions PUBLISHED = new ProsQaOptions(3, 6);
    /**
     * Deepest useful lower bound: grown graphs of {@value ProsQaGenerator#GROWN_NODES} nodes put the true concept
     * 7 steps away in about 1 problem in 250 and further away almost never.
     */
    static final int DEEPEST_MIN_HOPS = 7;

    ProsQaOptions {
        if (minHops < 1 || minHops > DEEPEST_MIN_HOPS) {
            throw new IllegalArgumentException("The prosqa option '" + MIN_HOPS + "' is " + minHops
                    + "; it must be between 1 and " + DEEPEST_MIN_HOPS + " (the published data uses 3).");
        }
        if (maxHops < minHops || maxHops < 2) {
            throw new IllegalArgumentException("The prosqa option '" + MAX_HOPS + "' is " + maxHops
                    + "; it must be at least 2 and at least '" + MIN_HOPS + "' (" + minHops + "); the published data uses 6.");
        }
    }

    /** Reads the options of a dataset spec; names other than {@link #ACCEPTED} are refused. */
    static ProsQaOptions from(Map<String, Object> options) {
        DatasetOptions.acceptOnly("prosqa", options, ACCEPTED);
        return new ProsQaOptions(DatasetOptions.wholeNumber("prosqa", options, MIN_HOPS, PUBLISHED.minHops(), "steps"),
                DatasetOptions.wholeNumber("prosqa", options, MAX_HOPS, PUBLISHED.maxHops(), "steps"));
    }
}
