package org.latentlab.api.experiment;

import java.util.List;
import java.util.Map;

/**
 * A sweep file read and expanded, before anything is submitted: one spec per point of its grid.
 *
 * @param name   the sweep's name: the spec's {@code name}, or the first method's name
 * @param axes   the swept fields, each as a path such as {@code method.options.thoughtsPerStep}, in the order they
 *               appear in the file, then {@code seed} when the file gave {@code seeds}
 * @param points the grid, its last axis varying fastest
 * @since 1.8
 */
public record SweepPlan(String name, List<String> axes, List<Point> points) {
    public SweepPlan {
        axes = List.copyOf(axes);
        points = List.copyOf(points);
    }

    /**
     * One point of the grid.
     *
     * @param values each axis's value at this point (a number, string, boolean, list or map as JSON reads it), by axis
     * @param spec   the spec to run there, read as strictly as any spec
     */
    public record Point(Map<String, Object> values, ExperimentSpec spec) {
        public Point {
            values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
        }
    }
}
