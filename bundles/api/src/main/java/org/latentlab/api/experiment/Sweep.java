package org.latentlab.api.experiment;

import java.util.List;
import java.util.Map;

/**
 * A submitted sweep: its runs share its id. Recorded when it is submitted, and never changed after.
 *
 * @param id      the sweep id
 * @param name    the sweep's name
 * @param created when it was submitted (ISO-8601)
 * @param axes    the swept fields, {@code seed} among them when the sweep gave {@code seeds}
 * @param runs    one per point of the grid, in the grid's order
 * @since 1.8
 */
public record Sweep(String id, String name, String created, List<String> axes, List<Run> runs) {
    public Sweep {
        axes = List.copyOf(axes);
        runs = List.copyOf(runs);
    }

    /** The seed axis's name in {@link #axes()} and in each run's values. */
    public static final String SEED = "seed";

    /**
     * One run of the sweep.
     *
     * @param id     the run id
     * @param values each axis's value for this run, by axis
     */
    public record Run(String id, Map<String, Object> values) {
        public Run {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
    }
}
