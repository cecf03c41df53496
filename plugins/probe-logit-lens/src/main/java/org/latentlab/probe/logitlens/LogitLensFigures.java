package org.latentlab.probe.logitlens;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The logit lens's report drawn as the Coconut paper reads its continuous thoughts: for the first listed examples, the
 * tokens each thought decodes to with their probabilities, written beside the points; then, per layer, how far the lens
 * is from the final prediction (KL in nats) and how often its top token agrees with the final one and with the label.
 *
 * <p>Reads only the recorded report, maybe read back from JSON: a number may be any {@link Number} or its text, an empty
 * or unreadable cell is left out, and a missing table or column draws no figure.
 */
final class LogitLensFigures {

    /** Examples drawn one figure each from the {@code thoughts} or {@code positions} listing. */
    static final int EXAMPLES_DRAWN = 3;
    /** Ranks drawn per thought or position, one series each. */
    static final int RANKS_DRAWN = 3;

    /** One entry of {@link RankedToken#describe(List, org.latentlab.api.data.Vocabulary)}: {@code token (0.41)}, then {@code ", "} or the end. */
    private static final Pattern RANKED = Pattern.compile("\\G(.+?) \\(([^()\\s]+)\\)(?:, |$)");

    private LogitLensFigures() {
    }

    static List<Figure> of(ProbeReport report) {
        List<Figure> figures = new ArrayList<>();
        report.table(LogitLens.THOUGHTS).ifPresent(table -> figures.addAll(tokens(table, true)));
        if (figures.isEmpty()) {
            report.table(LogitLens.POSITIONS).ifPresent(table -> figures.addAll(tokens(table, false)));
        }
        report.table(LayerTally.TABLE).ifPresent(table -> {
            String where = positionsRead(report);
            divergence(table, where).ifPresent(figures::add);
            agreement(table, where).ifPresent(figures::add);
        });
        return figures;
    }

    /**
     * One figure per listed example, at most {@link #EXAMPLES_DRAWN}: x the thought (or the trace column), one series per
     * rank, y the token's probability and its note the token. Positions are drawn only for an example read at two or more
     * (the {@code "answer"} listing has one per example, which is no line).
     */
    private static List<Figure> tokens(ProbeTable table, boolean thoughts) {
        String at = thoughts ? LogitLens.THOUGHT : LogitLens.COLUMN;
        List<Figure> figures = new ArrayList<>();
        if (!table.hasColumns(LogitLens.EXAMPLE, at, LogitLens.TOP_K)) {
            return figures;
        }
        // the rows of one example are consecutive: the probe lists them in row order, then column order
        List<String> ids = new ArrayList<>();
        List<List<List<Object>>> rowsOf = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            String id = java.util.Objects.toString(table.text(row, LogitLens.EXAMPLE), "");
            if (ids.isEmpty() || !ids.get(ids.size() - 1).equals(id)) {
                ids.add(id);
                rowsOf.add(new ArrayList<>());
            }
            rowsOf.get(rowsOf.size() - 1).add(row);
        }
        for (int e = 0; e < ids.size() && figures.size() < EXAMPLES_DRAWN; e++) {
            List<List<Double>> x = new ArrayList<>();
            List<List<Double>> y = new ArrayList<>();
            List<List<String>> notes = new ArrayList<>();
            for (int rank = 0; rank < RANKS_DRAWN; rank++) {
                x.add(new ArrayList<>());
                y.add(new ArrayList<>());
                notes.add(new ArrayList<>());
            }
            int points = 0;
            for (List<Object> row : rowsOf.get(e)) {
                Double place = table.number(row, at);
                List<Ranked> tokens = ranked(table.text(row, LogitLens.TOP_K));
                if (place == null || tokens.isEmpty()) {
                    continue;
                }
                points++;
                for (int rank = 0; rank < Math.min(RANKS_DRAWN, tokens.size()); rank++) {
                    x.get(rank).add(place);
                    y.get(rank).add(tokens.get(rank).probability());
                    notes.get(rank).add(tokens.get(rank).token());
                }
            }
            if (points == 0 || !thoughts && points < 2) {
                continue;
            }
            List<Series> series = new ArrayList<>();
            for (int rank = 0; rank < RANKS_DRAWN; rank++) {
                if (!y.get(rank).isEmpty()) {
                    series.add(Series.points("rank " + (rank + 1), x.get(rank), y.get(rank)).withNotes(notes.get(rank)));
                }
            }
            String name = (thoughts ? "thought-tokens-" : "position-tokens-") + (figures.size() + 1);
            figures.add(thoughts
                    ? new Figure(name, "What each continuous thought decodes to, example " + ids.get(e), Kind.LINE, "continuous thought",
                            "probability of the token", series, List.of(),
                            "Example " + ids.get(e) + ": " + mostProbable(series.size()) + " of each continuous thought put "
                                    + "through the language-model head, written beside their points at the probability it gives them. "
                                    + "A rank 1 far above the others means the thought stands for that word; close ranks mean it holds "
                                    + "several at once.")
                    : new Figure(name, "What the model predicts at each position read, example " + ids.get(e), Kind.LINE,
                            "position (trace column)", "probability of the token", series, List.of(),
                            "Example " + ids.get(e) + ": " + mostProbable(series.size()) + " the last layer predicts at "
                                    + "each position read, written beside their points at their probability; a rank 1 far above the "
                                    + "others is a confident prediction."));
        }
        return figures;
    }

    private static String mostProbable(int ranks) {
        return ranks == 1 ? "the most probable token" : "the " + ranks + " most probable tokens";
    }

    /** {@code KL(p_final || p_L)} against the layer. */
    private static Optional<Figure> divergence(ProbeTable table, String where) {
        return column(table, LayerTally.KL, "mean KL to final").map(series -> new Figure("layer-kl",
                "Distance of each layer's lens from the final prediction", Kind.LINE, "layer", "KL(p_final || p_L), nats",
                List.of(series), List.of(),
                "The mean KL divergence, in nats, from the last layer's next-token distribution to the one read off layer L "
                        + "through the final norm and the head" + where + ". It is 0 at the last layer; a layer near 0 already "
                        + "predicts what the model will."));
    }

    /** The fraction of positions whose top-1 agrees with the last layer's and, where labelled, with the label. */
    private static Optional<Figure> agreement(ProbeTable table, String where) {
        List<Series> series = new ArrayList<>();
        column(table, LayerTally.AGREEMENT, "top-1 agrees with final layer").ifPresent(series::add);
        column(table, LayerTally.TARGET, "top-1 is the target").ifPresent(series::add);
        if (series.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Figure("layer-agreement", "Top-1 agreement of each layer's lens", Kind.LINE, "layer",
                "fraction of positions", series, List.of(),
                "The fraction of positions read" + where + " where layer L's most probable token is the last layer's (1 at the "
                        + "last layer)" + (series.size() > 1 ? " and where it is the label" : "") + "; the layer where it "
                        + "reaches 1 is where the prediction settles."));
    }

    /** A column of the {@code layers} table against its {@code layer} column, leaving out empty and infinite cells. */
    private static Optional<Series> column(ProbeTable table, String column, String label) {
        if (!table.hasColumns(LayerTally.LAYER, column)) {
            return Optional.empty();
        }
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (List<Object> row : table.rows()) {
            Double l = table.number(row, LayerTally.LAYER);
            Double v = table.number(row, column);
            // the tally writes Double.MAX_VALUE for a divergence that overflowed: no point rather than one off the scale
            if (l != null && v != null && v != Double.MAX_VALUE) {
                x.add(l);
                y.add(v);
            }
        }
        return x.isEmpty() ? Optional.empty() : Optional.of(Series.points(label, x, y));
    }

    /** {@code " (at the continuous thoughts)"} and so on from the options table, or nothing. */
    private static String positionsRead(ProbeReport report) {
        return report.table("options").flatMap(options -> options.rows().stream()
                        .filter(row -> row.size() > 1 && LogitLensOptions.POSITIONS.equals(String.valueOf(row.get(0))))
                        .map(row -> String.valueOf(row.get(1))).findFirst())
                .map(word -> switch (word) {
                    case "latents" -> " at the continuous thoughts";
                    case "answer" -> " at the column predicting the answer";
                    case "supervised" -> " at every labelled position";
                    default -> "";
                })
                .orElse("");
    }

    /** A token and its probability, read back from the report's text. */
    record Ranked(String token, double probability) {
    }

    /** The tokens of {@code "token (0.41), token (0.22), ..."} in order; none if the text is not of that form. */
    static List<Ranked> ranked(String text) {
        List<Ranked> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        Matcher m = RANKED.matcher(text);
        int end = 0;
        while (end < text.length() && m.find()) {
            double probability;
            try {
                probability = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                return List.of();
            }
            if (!Double.isFinite(probability)) {
                return List.of();
            }
            out.add(new Ranked(m.group(1), probability));
            end = m.end();
        }
        return end == text.length() ? out : List.of();
    }
}
