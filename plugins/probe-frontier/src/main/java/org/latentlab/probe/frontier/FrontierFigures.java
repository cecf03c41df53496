package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;

/**
 * The frontier probe's report drawn as the Coconut paper reads it (Section 5): the mean value of frontier nodes against
 * their height, one line per number of thoughts, and the class of the answers after k thoughts.
 */
final class FrontierFigures {

    private FrontierFigures() {
    }

    static List<Figure> of(ProbeReport report) {
        List<Figure> figures = new ArrayList<>();
        report.table(FrontierValues.BY_HEIGHT).ifPresent(table -> {
            Map<String, List<double[]>> byK = new LinkedHashMap<>();
            for (List<Object> row : table.rows()) {
                Double k = table.number(row, "thoughts k");
                Double height = table.number(row, "height");
                Double value = table.number(row, "mean value");
                if (k != null && height != null && value != null) {
                    byK.computeIfAbsent("k = " + k.intValue(), key -> new ArrayList<>()).add(new double[] {height, value});
                }
            }
            List<Series> series = new ArrayList<>();
            byK.forEach((k, points) -> series.add(Series.points(k, points.stream().map(p -> p[0]).toList(),
                    points.stream().map(p -> p[1]).toList())));
            figures.add(new Figure("value-by-height", "Value of frontier nodes by height", Kind.LINE, "node height",
                    "mean value", series, List.of(),
                    "The probability the model gives a frontier node's name after k thoughts, averaged over the nodes of each "
                            + "height (the shortest distance to a leaf). In the Coconut paper, nodes of greater height received more value."));
        });
        report.table(OutputCounts.OUTPUTS).ifPresent(table -> {
            Map<String, Map<String, Double>> byK = new LinkedHashMap<>();
            List<String> classes = new ArrayList<>();
            for (List<Object> row : table.rows()) {
                String outputClass = table.text(row, "class");
                Double k = table.number(row, "thoughts k");
                Double fraction = table.number(row, "fraction");
                if (outputClass == null || k == null || fraction == null) {
                    continue;
                }
                if (!classes.contains(outputClass)) {
                    classes.add(outputClass);
                }
                byK.computeIfAbsent("k = " + k.intValue(), key -> new LinkedHashMap<>()).put(outputClass, fraction);
            }
            List<Series> series = new ArrayList<>();
            byK.forEach((k, fractions) -> series.add(Series.bars(k, classes,
                    classes.stream().map(c -> fractions.getOrDefault(c, 0.0)).toList())));
            figures.add(new Figure("outputs", "Answers after k thoughts, by class", Kind.BAR, "answer class", "fraction of examples",
                    series, List.of(), null));
        });
        return figures;
    }
}
