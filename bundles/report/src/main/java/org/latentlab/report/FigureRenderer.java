package org.latentlab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.latentlab.api.figure.Figure;

/** Draws a {@link Figure} with JFreeChart, to PNG and to SVG, the same size and look in both. */
final class FigureRenderer {

    static final int WIDTH = 800;
    static final int HEIGHT = 450;

    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color MARKER = new Color(0x77, 0x77, 0x77);
    /** Lines of at most this many points are drawn with a mark at each point. */
    static final int SHAPES_UP_TO = 40;
    private static final java.awt.Font NOTE_FONT = new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11);

    /**
     * JFreeChart draws rotated text (the vertical axis's label) through glyph outlines by default, which the SVG writer
     * strokes instead of filling: hollow letters. Drawn as rotated text it stays text in the SVG.
     */
    static {
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

    /**
     * The SVG writer names a font family only where it differs from the first one it saw, so most text had none and a
     * browser drew it in its serif default; this sets the family of every text of the document.
     */
    private static final String SVG_TEXT_STYLE = "<style type=\"text/css\">text { font-family: \"DejaVu Sans\", Verdana, Arial, sans-serif; }</style>";

    private FigureRenderer() {
    }

    static byte[] png(Figure figure) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart(figure), WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not draw the figure '" + figure.name() + "' as PNG.", e);
        }
        return out.toByteArray();
    }

    static String svg(Figure figure) {
        VectorGraphics2D graphics = new VectorGraphics2D();
        chart(figure).draw(graphics, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(graphics.getCommands(), new PageSize(0, 0, WIDTH, HEIGHT)).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not draw the figure '" + figure.name() + "' as SVG.", e);
        }
        // the DOCTYPE names SVG 1.1's DTD by its web address; nothing needs it, and a strict XML reader would fetch it
        return out.toString(StandardCharsets.UTF_8).replaceFirst("<!DOCTYPE[^>]*>\\s*", "").replaceFirst("(<svg[^>]*>)", "$1" + SVG_TEXT_STYLE);
    }

    static JFreeChart chart(Figure figure) {
        boolean legend = figure.series().size() > 1;
        JFreeChart chart;
        if (figure.kind() == Figure.Kind.BAR) {
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            List<String> labels = uniqueLabels(figure);
            for (int s = 0; s < figure.series().size(); s++) {
                Figure.Series series = figure.series().get(s);
                for (int i = 0; i < series.y().size(); i++) {
                    double y = series.y().get(i);
                    data.addValue(Double.isNaN(y) ? null : y, labels.get(s), series.categories().get(i));
                }
            }
            chart = ChartFactory.createBarChart(figure.title(), figure.xLabel(), figure.yLabel(), data, PlotOrientation.VERTICAL,
                    legend, false, false);
            CategoryPlot plot = chart.getCategoryPlot();
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(GRID);
            plot.getDomainAxis().setMaximumCategoryLabelLines(2);   // "incorrect label" wraps instead of ending in "..."
            if (hasNotes(figure)) {
                plot.getRenderer().setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator() {
                    @Override
                    public String generateLabel(org.jfree.data.category.CategoryDataset dataset, int row, int column) {
                        return note(figure.series().get(row), column);
                    }
                });
                plot.getRenderer().setDefaultItemLabelsVisible(true);
                plot.getRenderer().setDefaultItemLabelFont(NOTE_FONT);
            }
        } else {
            XYSeriesCollection data = new XYSeriesCollection();
            List<String> labels = uniqueLabels(figure);
            for (int s = 0; s < figure.series().size(); s++) {
                Figure.Series series = figure.series().get(s);
                XYSeries points = new XYSeries(labels.get(s), false, true);
                for (int i = 0; i < series.y().size(); i++) {
                    double y = series.y().get(i);
                    points.add(series.x().get(i), Double.isNaN(y) ? null : y);
                }
                data.addSeries(points);
            }
            chart = figure.kind() == Figure.Kind.SCATTER
                    ? ChartFactory.createScatterPlot(figure.title(), figure.xLabel(), figure.yLabel(), data, PlotOrientation.VERTICAL,
                            legend, false, false)
                    : ChartFactory.createXYLineChart(figure.title(), figure.xLabel(), figure.yLabel(), data, PlotOrientation.VERTICAL,
                            legend, false, false);
            XYPlot plot = chart.getXYPlot();
            if (hasNotes(figure)) {
                // the dataset keeps a series' points in the figure's order (no sorting), so item i is the series' point i
                plot.getRenderer().setDefaultItemLabelGenerator((dataset, series, item) -> note(figure.series().get(series), item));
                plot.getRenderer().setDefaultItemLabelsVisible(true);
                plot.getRenderer().setDefaultItemLabelFont(NOTE_FONT);
            }
            readableDomain(figure, (org.jfree.chart.axis.NumberAxis) plot.getDomainAxis());
            if (figure.kind() == Figure.Kind.LINE && plot.getRenderer() instanceof org.jfree.chart.renderer.xy.XYLineAndShapeRenderer lines
                    && figure.series().stream().allMatch(series -> series.y().size() <= SHAPES_UP_TO)) {
                lines.setDefaultShapesVisible(true);   // a line of a few points shows them, and a line of one point is one
            }
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(GRID);
            plot.setRangeGridlinePaint(GRID);
            for (Figure.Marker m : figure.markers()) {
                ValueMarker marker = new ValueMarker(m.x(), MARKER,
                        new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
                marker.setLabel(m.label());
                marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                plot.addDomainMarker(marker);
            }
        }
        chart.setBackgroundPaint(Color.WHITE);
        keepFlatValuesVisible(figure, figure.kind() == Figure.Kind.BAR ? chart.getCategoryPlot().getRangeAxis() : chart.getXYPlot().getRangeAxis());
        return chart;
    }

    /**
     * Whole x values (steps, layers, thoughts) get whole ticks; a single x value gets a range around it instead of one a
     * billionth wide; notes get room at both ends, so that the first and last are not cut by the plot's edge.
     */
    static void readableDomain(Figure figure, org.jfree.chart.axis.NumberAxis axis) {
        java.util.DoubleSummaryStatistics xs = figure.series().stream().flatMap(s -> s.x().stream()).filter(x -> !x.isNaN())
                .mapToDouble(Double::doubleValue).summaryStatistics();
        if (xs.getCount() == 0) {
            return;
        }
        if (figure.series().stream().flatMap(s -> s.x().stream()).allMatch(x -> x == Math.rint(x))) {
            axis.setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        }
        if (xs.getMin() == xs.getMax()) {
            axis.setRange(xs.getMin() - 1, xs.getMax() + 1);
        } else if (hasNotes(figure)) {
            axis.setAutoRangeStickyZero(false);   // else a margin stops at 0, and a note at x = 0 is cut
            axis.setLowerMargin(0.08);
            axis.setUpperMargin(0.08);
        }
    }

    /**
     * JFreeChart zooms a set of equal values (all accuracies 0, say) into a band a billionth wide; such a figure gets a
     * range from 0 that shows the value instead.
     */
    static void keepFlatValuesVisible(Figure figure, org.jfree.chart.axis.ValueAxis axis) {
        java.util.DoubleSummaryStatistics values = figure.series().stream().flatMap(s -> s.y().stream()).filter(y -> !y.isNaN())
                .mapToDouble(Double::doubleValue).summaryStatistics();
        if (values.getCount() > 0 && values.getMin() == values.getMax()) {
            double value = values.getMin();
            if (value == 0) {
                axis.setRange(0, 1);
            } else if (value > 0) {
                axis.setRange(0, value * 1.5);
            } else {
                axis.setRange(value * 1.5, 0);
            }
        }
    }

    private static boolean hasNotes(Figure figure) {
        return figure.series().stream().anyMatch(s -> !s.notes().isEmpty());
    }

    /** The note of a series' point, or null (nothing written) where it has none. */
    static String note(Figure.Series series, int item) {
        if (item >= series.notes().size()) {
            return null;
        }
        String note = series.notes().get(item);
        return note == null || note.isEmpty() ? null : note;
    }

    /** Legend entries must differ: a repeated label gets its position appended. */
    private static List<String> uniqueLabels(Figure figure) {
        Set<String> seen = new HashSet<>();
        return java.util.stream.IntStream.range(0, figure.series().size()).mapToObj(i -> {
            String label = figure.series().get(i).label();
            return seen.add(label) ? label : label + " #" + (i + 1);
        }).toList();
    }
}
