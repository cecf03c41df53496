package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.probe.ProbeTable;

/** How many outputs after k thoughts fall in each class of the Coconut paper's Fig. 4, gathered over examples. */
final class OutputCounts {

    static final String OUTPUTS = "outputs";

    private final Map<Integer, EnumMap<OutputClass, Integer>> byThoughts = new LinkedHashMap<>();

    OutputCounts(List<Integer> thoughts) {
        for (int k : thoughts) {
            EnumMap<OutputClass, Integer> counts = new EnumMap<>(OutputClass.class);
            for (OutputClass c : OutputClass.values()) {
                counts.put(c, 0);
            }
            byThoughts.put(k, counts);
        }
    }

    void add(int k, OutputClass output) {
        byThoughts.get(k).merge(output, 1, Integer::sum);
    }

    /** {@code k<k>.<class>}: the fraction of outputs after k thoughts in that class. */
    void scalars(Map<String, Double> into) {
        byThoughts.forEach((k, counts) -> {
            int total = total(counts);
            counts.forEach((c, n) -> into.put("k" + k + "." + c.key(), total == 0 ? 0.0 : (double) n / total));
        });
    }

    /** Rows (thoughts k, class, count, fraction), every class for every k. */
    ProbeTable table() {
        List<List<Object>> rows = new ArrayList<>();
        byThoughts.forEach((k, counts) -> {
            int total = total(counts);
            counts.forEach((c, n) -> rows.add(List.of(k, c.label(), n, total == 0 ? 0.0 : (double) n / total)));
        });
        return new ProbeTable(OUTPUTS, List.of("thoughts k", "class", "count", "fraction"), rows);
    }

    private static int total(Map<OutputClass, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
