package org.latentlab.probe.intrinsicdimension;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The intrinsic-dimension probe's table drawn against the latent step: the TwoNN estimate and the participation ratio,
 * one line each. The row of all steps pooled is no step, so its values go in the caption. The report may have been read
 * back from JSON, so a cell is any kind of number or a string of one; an empty or missing cell is a point left out.
 */
final class IntrinsicDimensionFigures {

    /** The figure's name, the same in every run, so that a comparison overlays the runs' lines. */
    static final String BY_STEP = "by-step";
    /** The legend's entry of the TwoNN estimate. */
    static final String TWO_NN = "TwoNN";
    /** The legend's entry of the participation ratio. */
    static final String RATIO = "participation ratio";
    /** The step cell of the row of all steps pooled. */
    static final String POOLED = "all";

    private IntrinsicDimensionFigures() {
    }

    static List<Figure> of(ProbeReport report) {
        Optional<ProbeTable> found = report.table(IntrinsicDimensionProbe.TABLE);
        String step = IntrinsicDimensionProbe.COLUMNS.get(0);
        String twoNN = IntrinsicDimensionProbe.COLUMNS.get(2);
        String ratio = IntrinsicDimensionProbe.COLUMNS.get(3);
        if (found.isEmpty() || !found.get().hasColumns(step)) {
            return List.of();
        }
        ProbeTable table = found.get();
        List<Double> twoNNSteps = new ArrayList<>();
        List<Double> twoNNValues = new ArrayList<>();
        List<Double> ratioSteps = new ArrayList<>();
        List<Double> ratioValues = new ArrayList<>();
        Double pooledTwoNN = null;
        Double pooledRatio = null;
        for (List<Object> row : table.rows()) {
            String stepCell = table.text(row, step);
            if (stepCell != null && POOLED.equals(stepCell.trim())) {
                pooledTwoNN = table.number(row, twoNN);
                pooledRatio = table.number(row, ratio);
                continue;
            }
            Double t = table.number(row, step);
            if (t == null) {
                continue;
            }
            add(t, table.number(row, twoNN), twoNNSteps, twoNNValues);
            add(t, table.number(row, ratio), ratioSteps, ratioValues);
        }
        List<Series> series = new ArrayList<>();
        if (!twoNNValues.isEmpty()) {
            series.add(Series.points(TWO_NN, twoNNSteps, twoNNValues));
        }
        if (!ratioValues.isEmpty()) {
            series.add(Series.points(RATIO, ratioSteps, ratioValues));
        }
        if (series.isEmpty()) {
            return List.of();
        }
        String caption = "The dimensions the latent vectors of each step use: TwoNN counts the dimensions of the manifold they lie on,"
                + " the participation ratio how many principal directions share their variance.";
        List<String> pooled = new ArrayList<>();
        if (pooledTwoNN != null) {
            pooled.add(TWO_NN + " " + format(pooledTwoNN));
        }
        if (pooledRatio != null) {
            pooled.add(RATIO + " " + format(pooledRatio));
        }
        if (!pooled.isEmpty()) {
            caption += " All steps pooled: " + String.join(", ", pooled) + ".";
        }
        return List.of(new Figure(BY_STEP, "Intrinsic dimension per latent step", Kind.LINE, "latent step", "dimension", series,
                List.of(), caption));
    }

    private static void add(double step, Double value, List<Double> steps, List<Double> values) {
        if (value != null) {
            steps.add(step);
            values.add(value);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
