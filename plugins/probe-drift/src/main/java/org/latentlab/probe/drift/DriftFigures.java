package org.latentlab.probe.drift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The drift probe's report drawn: the latents and the token embeddings in the embeddings' principal plane, and the
 * per-step measures against the latent step, the ones in [0, 1] together and each ratio on its own axis so that neither
 * squashes the others. Columns are found by name and cells read as numbers or as strings of numbers (a report read back
 * from JSON), so a report without a table, or without a column a figure needs, gives no such figure.
 */
final class DriftFigures {

    static final String PCA = "pca";
    static final String CLOSENESS = "closeness-by-step";
    static final String NORM = "norm-ratio-by-step";
    static final String AREA = "area-ratio-by-step";

    private DriftFigures() {
    }

    static List<Figure> of(ProbeReport report) {
        List<Figure> figures = new ArrayList<>();
        report.table(DriftProbe.PROJECTION).flatMap(DriftFigures::projection).ifPresent(figures::add);
        report.table(DriftProbe.TABLE).ifPresent(table -> {
            perStep(table, List.of("nearest cosine", "on-token fraction")).ifPresent(series -> figures.add(new Figure(CLOSENESS,
                    "Closeness of the latents to token embeddings, per step", Kind.LINE, "latent step", "cosine or fraction", series,
                    List.of(), "Nearest cosine is the mean over a step's latents of the greatest cosine similarity to any token "
                            + "embedding (1 on a token), and on-token fraction the share of them above " + DriftProbe.ON_TOKEN
                            + ". Lines falling with the step mean later steps drift off the token embeddings.")));
            perStep(table, List.of("norm ratio")).ifPresent(series -> figures.add(new Figure(NORM,
                    "Latent norm against token-embedding norm, per step", Kind.LINE, "latent step", "mean latent norm / mean embedding norm",
                    series, List.of(), "The mean L2 norm of a step's latents over the mean L2 norm of the token embeddings: "
                            + "1 when the latents are as long as the embeddings, far above it when they have grown off their scale.")));
            perStep(table, List.of("PCA area ratio")).ifPresent(series -> figures.add(new Figure(AREA,
                    "Spread of the latents in the embeddings' principal plane, per step", Kind.LINE, "latent step",
                    "latent hull area / embedding hull area", series, List.of(),
                    "The area of the convex hull of a step's latents projected onto the token embeddings' top two principal "
                            + "components, over that of the embeddings: about 0 when the step's latents collapse to a point, "
                            + "about 1 when they spread as the embeddings do.")));
        });
        return figures;
    }

    /** The scatter of {@value DriftProbe#PROJECTION}, one series per set in the order the sets first appear. */
    private static Optional<Figure> projection(ProbeTable table) {
        if (!table.hasColumns("set", "PC1", "PC2")) {
            return Optional.empty();
        }
        Map<String, List<double[]>> bySet = new LinkedHashMap<>();
        for (List<Object> row : table.rows()) {
            Double px = table.number(row, "PC1");
            Double py = table.number(row, "PC2");
            String label = table.text(row, "set");
            if (label != null && px != null && py != null) {
                bySet.computeIfAbsent(label, k -> new ArrayList<>()).add(new double[] {px, py});
            }
        }
        if (bySet.isEmpty()) {
            return Optional.empty();
        }
        List<Series> series = new ArrayList<>();
        bySet.forEach((label, points) -> series.add(Series.points(label, points.stream().map(p -> p[0]).toList(),
                points.stream().map(p -> p[1]).toList())));
        return Optional.of(new Figure(PCA, "Latents against token embeddings in the embeddings' principal plane", Kind.SCATTER,
                "PC1 of the token embeddings", "PC2 of the token embeddings", series, List.of(),
                "Token embeddings and each step's latents projected onto the token embeddings' top two principal components "
                        + "(evenly thinned): latents spread among the tokens share their region, latents bunched at a spot have collapsed. "
                        + "The plane hides distance off it, so read it beside the nearest cosine."));
    }

    /** One series per named column of {@value DriftProbe#TABLE} against its {@code step}; empty without them or without rows. */
    private static Optional<List<Series>> perStep(ProbeTable table, List<String> columns) {
        if (!table.hasColumns("step") || !table.hasColumns(columns.toArray(String[]::new))) {
            return Optional.empty();
        }
        List<List<Object>> rows = table.rows().stream().filter(row -> table.number(row, "step") != null).toList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<Double> steps = rows.stream().map(row -> table.number(row, "step")).toList();
        List<Series> series = new ArrayList<>();
        for (String column : columns) {
            // an empty cell stays a gap in the line
            series.add(Series.points(column, steps, rows.stream().map(row -> {
                Double value = table.number(row, column);
                return value == null ? Double.NaN : value;
            }).toList()));
        }
        boolean anyValue = series.stream().flatMap(s -> s.y().stream()).anyMatch(Double::isFinite);
        return anyValue ? Optional.of(series) : Optional.empty();
    }
}
