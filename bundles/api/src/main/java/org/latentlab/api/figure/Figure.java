package org.latentlab.api.figure;

import java.util.List;

/**
 * One figure of a run or of a comparison, as data: the platform draws it (PNG and SVG) for reports and the dashboard,
 * so a probe describes what to plot without depending on a charting library.
 *
 * @param name    a short file-safe name, unique within a report ({@code loss}, {@code frontier-values})
 * @param title   the figure's title
 * @param kind    how the series are drawn
 * @param xLabel  the horizontal axis's label
 * @param yLabel  the vertical axis's label
 * @param series  what is plotted; for {@link Kind#BAR} every series has the same {@link Series#categories()}
 * @param markers vertical lines at given x values, such as curriculum stage switches (none for a bar chart)
 * @param caption one or two sentences under the figure saying how to read it, or null
 */
public record Figure(String name, String title, Kind kind, String xLabel, String yLabel, List<Series> series, List<Marker> markers,
                     String caption) {

    public Figure {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("A figure's name is lower-case letters, digits, '.', '_' and '-', not " + name + ".");
        }
        series = series == null ? List.of() : List.copyOf(series);
        markers = markers == null ? List.of() : List.copyOf(markers);
    }

    /** How the series are drawn. */
    public enum Kind {
        /** y against x, points joined in order */
        LINE,
        /** one bar per category and series, grouped by category */
        BAR,
        /** y against x, points alone */
        SCATTER
    }

    /**
     * One named set of points.
     *
     * @param label      the legend's entry
     * @param x          the x values ({@link Kind#LINE}, {@link Kind#SCATTER}); empty for a bar chart
     * @param y          the y values, one per x value or per category; NaN for a missing one
     * @param categories for a bar chart, the category of each y value; empty otherwise
     * @param notes      a short text written beside each point or bar (the token a logit lens reads there, say), one per
     *                   y value, or empty for none; an empty or null note writes nothing at its point
     */
    public record Series(String label, List<Double> x, List<Double> y, List<String> categories, List<String> notes) {
        public Series {
            x = x == null ? List.of() : List.copyOf(x);
            y = List.copyOf(y);
            categories = categories == null ? List.of() : List.copyOf(categories);
            notes = notes == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(notes));
            if (!x.isEmpty() && x.size() != y.size()) {
                throw new IllegalArgumentException("The series '" + label + "' has " + x.size() + " x values and " + y.size() + " y values.");
            }
            if (!categories.isEmpty() && categories.size() != y.size()) {
                throw new IllegalArgumentException("The series '" + label + "' has " + categories.size() + " categories and " + y.size()
                        + " values.");
            }
            if (!notes.isEmpty() && notes.size() != y.size()) {
                throw new IllegalArgumentException("The series '" + label + "' has " + notes.size() + " notes and " + y.size() + " values.");
            }
        }

        /** A series without notes. */
        public Series(String label, List<Double> x, List<Double> y, List<String> categories) {
            this(label, x, y, categories, List.of());
        }

        /** This series with {@code notes} written beside its points. */
        public Series withNotes(List<String> notes) {
            return new Series(label, x, y, categories, notes);
        }

        /** Points y against x. */
        public static Series points(String label, List<Double> x, List<Double> y) {
            return new Series(label, x, y, List.of());
        }

        /** One value per category, for a bar chart. */
        public static Series bars(String label, List<String> categories, List<Double> y) {
            return new Series(label, List.of(), y, categories);
        }
    }

    /**
     * A vertical line across the plot.
     *
     * @param x     where
     * @param label what it marks, drawn beside it
     */
    public record Marker(double x, String label) {
    }
}
