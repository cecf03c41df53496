package org.latentlab.probe.gradient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The gradient probe's report drawn as the hypothesis reads it: G(t) against the latent step t, the mean and the median
 * over examples, so that a gradient fading towards the early steps shows as a line falling towards step 1.
 *
 * <p>Drawn from the table {@value GradientProbe#TABLE} alone, whose cells may come back from JSON as any kind of number or
 * as text; an empty or missing cell leaves that point out. When the positive values span more than
 * {@value #LOG_SPAN} times from the smallest to the largest, the figure plots log10 G instead and says so in its axis
 * label, since the Figure API has no log axis; a G of 0 cannot be drawn there and is left out, named in the caption.
 */
final class GradientFigures {

    /** The figure's name within the probe's report. */
    static final String NAME = "norm-per-step";
    /** The ratio of the largest to the smallest positive G above which log10 G is drawn: two decades. */
    static final double LOG_SPAN = 100;
    static final String LINEAR_LABEL = "G(t) = ‖∂L/∂L_t‖";
    static final String LOG_LABEL = "log10 G(t), G(t) = ‖∂L/∂L_t‖";
    /** The table's columns drawn, each a line, and the legend entry it gets. */
    private static final Map<String, String> LINES = linesInOrder();

    private GradientFigures() {
    }

    private static Map<String, String> linesInOrder() {
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        lines.put("mean G", "mean");
        lines.put("median G", "median");
        return java.util.Collections.unmodifiableMap(lines);
    }

    static List<Figure> of(ProbeReport report) {
        Optional<ProbeTable> found = report.table(GradientProbe.TABLE);
        if (found.isEmpty() || !found.get().hasColumns("step")) {
            return List.of();
        }
        ProbeTable table = found.get();
        // per column drawn, G by step, in step order
        List<String> drawn = new ArrayList<>();
        List<TreeMap<Double, Double>> lines = new ArrayList<>();
        for (String column : LINES.keySet()) {
            if (!table.hasColumns(column)) {
                continue;
            }
            TreeMap<Double, Double> points = new TreeMap<>();
            for (List<Object> row : table.rows()) {
                Double t = table.number(row, "step");
                Double g = table.number(row, column);
                if (t != null && g != null) {
                    points.put(t, g);
                }
            }
            if (!points.isEmpty()) {
                drawn.add(column);
                lines.add(points);
            }
        }
        if (lines.isEmpty()) {
            return List.of();
        }
        boolean log = logScale(lines);
        List<Series> series = new ArrayList<>();
        TreeSet<Double> zeros = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Map.Entry<Double, Double> point : lines.get(i).entrySet()) {
                if (log && !(point.getValue() > 0)) {
                    zeros.add(point.getKey());
                    continue;
                }
                x.add(point.getKey());
                y.add(log ? Math.log10(point.getValue()) : point.getValue());
            }
            series.add(Series.points(LINES.get(drawn.get(i)), x, y));
        }
        String loss = loss(report);
        String caption = "G(t) is the norm of the gradient of " + (loss == null ? "the probe's loss" : loss)
                + " with respect to latent step t, over the examples that have step t" + (log ? ", on a log10 scale" : "")
                + "; a line falling towards step 1 means the gradient reaching the early steps fades"
                + " (the scalar attenuation is G(1)/G(last)).";
        if (!zeros.isEmpty()) {
            caption += " Where G is 0 it cannot be drawn on this scale and is left out: " + (zeros.size() == 1 ? "step " : "steps ")
                    + String.join(", ", zeros.stream().map(GradientFigures::format).toList()) + ".";
        }
        return List.of(new Figure(NAME, "Loss gradient reaching each latent step", Kind.LINE, "latent step t",
                log ? LOG_LABEL : LINEAR_LABEL, series, List.of(), caption));
    }

    /** Whether the positive values span more than {@link #LOG_SPAN} times, so that a linear axis would flatten the small ones. */
    static boolean logScale(List<TreeMap<Double, Double>> lines) {
        double smallest = Double.POSITIVE_INFINITY;
        double largest = 0;
        for (TreeMap<Double, Double> line : lines) {
            for (double g : line.values()) {
                if (g > 0 && Double.isFinite(g)) {
                    smallest = Math.min(smallest, g);
                    largest = Math.max(largest, g);
                }
            }
        }
        return largest > 0 && largest / smallest > LOG_SPAN;
    }

    /** The loss the report differentiated, in words, from its options table; null when that is not recorded. */
    private static String loss(ProbeReport report) {
        Optional<ProbeTable> options = report.table("options");
        if (options.isEmpty()) {
            return null;
        }
        for (List<Object> row : options.get().rows()) {
            if (row.size() > 1 && GradientOptions.LOSS.equals(String.valueOf(row.get(0)))) {
                String word = String.valueOf(row.get(1));
                if (GradientOptions.Loss.TRAINING.word.equals(word)) {
                    return "the training objective";
                }
                if (GradientOptions.Loss.ANSWER.word.equals(word)) {
                    return "the answer tokens' cross-entropy";
                }
            }
        }
        return null;
    }

    private static String format(double step) {
        return step == Math.rint(step) ? Long.toString((long) step) : Double.toString(step);
    }
}
