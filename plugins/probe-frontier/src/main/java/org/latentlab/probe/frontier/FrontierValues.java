package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.latentlab.api.probe.ProbeTable;

/**
 * The values the model gives the frontier nodes after k thoughts, gathered over examples (the Coconut paper, §5.2):
 * their mean by node height, on and off the paths to the target, and the cumulative value of the top-n nodes.
 */
final class FrontierValues {

    static final String BY_HEIGHT = "value by height";
    static final String CUMULATIVE_TOP = "cumulative top value";
    static final int TOP = 3;

    /** One frontier node of one example: its value, its height (-1 for none) and whether it leads to the target. */
    record NodeValue(int node, double value, int height, boolean onPath) {
    }

    private final Map<Integer, List<List<NodeValue>>> byThoughts = new LinkedHashMap<>();

    FrontierValues(List<Integer> thoughts) {
        for (int k : thoughts) {
            byThoughts.put(k, new ArrayList<>());
        }
    }

    /** One example's frontier after k thoughts; an empty frontier (k past the graph's depth) is not counted. */
    void add(int k, List<NodeValue> frontier) {
        if (!frontier.isEmpty()) {
            byThoughts.get(k).add(List.copyOf(frontier));
        }
    }

    /** The sum of the n largest values: all of them when there are fewer than n. */
    static double cumulativeTop(List<Double> values, int n) {
        return values.stream().sorted(Comparator.reverseOrder()).limit(n).mapToDouble(Double::doubleValue).sum();
    }

    /** Per n = 1..3, the mean over examples of the cumulative top-n value after k thoughts; null when no example has a frontier there. */
    double[] meanCumulativeTop(int k) {
        List<List<NodeValue>> examples = byThoughts.get(k);
        if (examples.isEmpty()) {
            return null;
        }
        double[] out = new double[TOP];
        for (List<NodeValue> frontier : examples) {
            List<Double> values = frontier.stream().map(NodeValue::value).toList();
            for (int n = 1; n <= TOP; n++) {
                out[n - 1] += cumulativeTop(values, n) / examples.size();
            }
        }
        return out;
    }

    /** {@code k<k>.top1..top3}, {@code k<k>.value.onPath}, {@code k<k>.value.offPath}, each where there is something to average. */
    void scalars(Map<String, Double> into) {
        for (int k : byThoughts.keySet()) {
            double[] top = meanCumulativeTop(k);
            for (int n = 1; top != null && n <= TOP; n++) {
                into.put("k" + k + ".top" + n, top[n - 1]);
            }
            double[] on = new double[2];
            double[] off = new double[2];
            for (List<NodeValue> frontier : byThoughts.get(k)) {
                for (NodeValue v : frontier) {
                    double[] sum = v.onPath() ? on : off;
                    sum[0]++;
                    sum[1] += v.value();
                }
            }
            if (on[0] > 0) {
                into.put("k" + k + ".value.onPath", on[1] / on[0]);
            }
            if (off[0] > 0) {
                into.put("k" + k + ".value.offPath", off[1] / off[0]);
            }
        }
    }

    /** Rows (thoughts k, height, nodes, mean value) over every frontier node of every example. */
    ProbeTable byHeight() {
        List<List<Object>> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<List<NodeValue>>> entry : byThoughts.entrySet()) {
            TreeMap<Integer, double[]> heights = new TreeMap<>();
            for (List<NodeValue> frontier : entry.getValue()) {
                for (NodeValue v : frontier) {
                    if (v.height() >= 0) {
                        double[] sum = heights.computeIfAbsent(v.height(), h -> new double[2]);
                        sum[0]++;
                        sum[1] += v.value();
                    }
                }
            }
            heights.forEach((height, sum) -> rows.add(List.of(entry.getKey(), height, (int) sum[0], sum[1] / sum[0])));
        }
        return new ProbeTable(BY_HEIGHT, List.of("thoughts k", "height", "nodes", "mean value"), rows);
    }

    /** Rows (thoughts k, top-1, top-2, top-3) for every k at which some example has a frontier. */
    ProbeTable cumulativeTop() {
        List<List<Object>> rows = new ArrayList<>();
        for (int k : byThoughts.keySet()) {
            double[] top = meanCumulativeTop(k);
            if (top != null) {
                rows.add(List.of(k, top[0], top[1], top[2]));
            }
        }
        return new ProbeTable(CUMULATIVE_TOP, List.of("thoughts k", "top-1", "top-2", "top-3"), rows);
    }
}
