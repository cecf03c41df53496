package org.latentlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Marker;
import org.latentlab.api.figure.Figure.Series;
import org.w3c.dom.Document;

/** Every kind of figure drawn headless, to a PNG that decodes and an SVG that parses, with its text kept as text. */
class FigureRendererTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static final List<Double> STEPS = IntStream.range(0, 300).mapToDouble(i -> i).boxed().toList();

    static final Figure LOSS = new Figure("loss", "Training loss", Kind.LINE, "step", "loss",
            List.of(Series.points("loss", STEPS, STEPS.stream().map(s -> 3 * Math.exp(-s / 80) + 0.2).toList())),
            List.of(new Marker(100, "stage 1"), new Marker(200, "stage 2")), "Dashed lines mark stage switches.");
    static final Figure ACCURACY = new Figure("accuracy", "Accuracy per evaluation set", Kind.BAR, "evaluation set", "accuracy",
            List.of(Series.bars("cot", List.of("test", "prosqa_valid.json"), List.of(0.81, 0.77)),
                    Series.bars("coconut", List.of("test", "prosqa_valid.json"), List.of(0.93, Double.NaN))), List.of(), null);
    static final Figure PCA = new Figure("pca", "Latents against token embeddings", Kind.SCATTER, "PC 1", "PC 2",
            List.of(Series.points("latents", List.of(0.1, 0.4, -0.3), List.of(0.2, -0.1, 0.5)),
                    Series.points("tokens", List.of(1.0, -1.0), List.of(0.0, 0.3))), List.of(), null);

    @Test
    void everyKindIsAPngOfTheFiguresSize() throws IOException {
        for (Figure figure : List.of(LOSS, ACCURACY, PCA)) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(FigureRenderer.png(figure)));
            assertNotNull(image, figure.name() + " decodes as PNG");
            assertEquals(FigureRenderer.WIDTH, image.getWidth());
            assertEquals(FigureRenderer.HEIGHT, image.getHeight());
            assertTrue(colours(image) > 2, figure.name() + " draws something beyond the background");
        }
    }

    @Test
    void everyKindIsAnSvgDocumentWithItsTitleAndMarkersAsText() throws Exception {
        for (Figure figure : List.of(LOSS, ACCURACY, PCA)) {
            String svg = FigureRenderer.svg(figure);
            assertTrue(!svg.contains("<!DOCTYPE"), "no document type to fetch");
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            assertEquals("svg", document.getDocumentElement().getLocalName() == null
                    ? document.getDocumentElement().getTagName() : document.getDocumentElement().getLocalName());
            assertTrue(svg.contains(figure.title()), figure.name() + "'s title is text in the SVG");
            assertTrue(!svg.contains("<image") && !svg.contains("xlink:href=\"http"), "nothing outside the file is referenced");
        }
        assertTrue(FigureRenderer.svg(LOSS).contains("stage 2"), "the stage markers are labelled");
        assertTrue(FigureRenderer.svg(ACCURACY).contains("prosqa_valid.json"), "bar categories are labelled");
    }

    @Test
    void theVerticalAxisLabelIsTextAndEveryTextHasASansSerifFamily() {
        // more points than are marked one by one, so that the only shapes are the plot's lines
        Figure figure = new Figure("entropy", "Entropy", Kind.LINE, "step", "entropy in nats",
                List.of(Series.points("model", STEPS, STEPS.stream().map(step -> Math.log(2 + step)).toList())), List.of(), null);
        String svg = FigureRenderer.svg(figure);
        assertTrue(svg.contains(">entropy in nats</text>"), "the rotated label is written as text, not as stroked glyph outlines");
        assertTrue(!svg.contains("<path"), "no text is drawn as glyph outlines");
        assertTrue(svg.matches("(?s).*<svg[^>]*><style[^>]*>text \\{ font-family: [^}]*sans-serif; }</style>.*"),
                "a browser draws the text in a sans-serif face like the PNG's, not its serif default");
    }

    @Test
    void notesAreWrittenBesideTheirPointsAndBars() {
        Figure lens = new Figure("top-tokens", "Top tokens per thought", Kind.LINE, "thought", "probability",
                List.of(Series.points("rank 1", List.of(0.0, 1.0, 2.0), List.of(0.6, 0.5, 0.9))
                        .withNotes(java.util.Arrays.asList("wumpus", null, "yumpus"))), List.of(), null);
        String svg = FigureRenderer.svg(lens);
        assertTrue(svg.contains(">wumpus</text>") && svg.contains(">yumpus</text>"), "each point's note is drawn");
        assertTrue(FigureRenderer.chart(lens).getXYPlot().getDomainAxis().getRange().getLowerBound() < 0,
                "room left of thought 0 for its note");
        assertEquals("wumpus", FigureRenderer.note(lens.series().get(0), 0));
        assertEquals(null, FigureRenderer.note(lens.series().get(0), 1), "a null note writes nothing");
        Figure bars = new Figure("bars", "Bars", Kind.BAR, "set", "accuracy",
                List.of(Series.bars("run", List.of("a", "b"), List.of(0.25, 0.75)).withNotes(List.of("12 of 48", "36 of 48"))), List.of(), null);
        assertTrue(FigureRenderer.svg(bars).contains(">36 of 48</text>"), "a bar's note is drawn");
    }

    @Test
    void stepsGetWholeTicksAndAFewPointsOrOneAreMarked() {
        Figure sixSteps = new Figure("loss", "Loss", Kind.LINE, "step", "loss",
                List.of(Series.points("loss", List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), List.of(4.2, 4.1, 3.9, 3.8, 3.8, 3.7))), List.of(), null);
        org.jfree.chart.JFreeChart chart = FigureRenderer.chart(sixSteps);
        chart.createBufferedImage(FigureRenderer.WIDTH, FigureRenderer.HEIGHT);
        org.jfree.chart.axis.NumberAxis steps = (org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getDomainAxis();
        assertTrue(steps.getTickUnit().getSize() >= 1, "no tick at step 1.5: " + steps.getTickUnit().getSize());
        assertTrue(((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) chart.getXYPlot().getRenderer()).getDefaultShapesVisible(),
                "six points are marked");
        assertTrue(!((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) FigureRenderer.chart(LOSS).getXYPlot().getRenderer())
                .getDefaultShapesVisible(), "three hundred are a plain line");

        Figure oneLayer = new Figure("kl", "KL", Kind.LINE, "layer", "nats",
                List.of(Series.points("KL", List.of(0.0), List.of(0.0))), List.of(), null);
        org.jfree.data.Range layers = FigureRenderer.chart(oneLayer).getXYPlot().getDomainAxis().getRange();
        assertEquals(-1, layers.getLowerBound(), "a single layer sits in a range around it");
        assertEquals(1, layers.getUpperBound());
    }

    @Test
    void equalValuesAreShownOnARangeFromZero() {
        Figure zero = new Figure("accuracy", "Accuracy", Kind.BAR, "set", "accuracy",
                List.of(Series.bars("run", List.of("test"), List.of(0.0))), List.of(), null);
        org.jfree.data.Range range = FigureRenderer.chart(zero).getCategoryPlot().getRangeAxis().getRange();
        assertEquals(0, range.getLowerBound());
        assertEquals(1, range.getUpperBound());
        Figure flat = new Figure("loss", "Loss", Kind.LINE, "step", "loss",
                List.of(Series.points("loss", List.of(1.0, 2.0), List.of(0.5, 0.5))), List.of(), null);
        range = FigureRenderer.chart(flat).getXYPlot().getRangeAxis().getRange();
        assertEquals(0, range.getLowerBound());
        assertEquals(0.75, range.getUpperBound());
    }

    private static long colours(BufferedImage image) {
        return IntStream.range(0, image.getWidth() * image.getHeight())
                .map(i -> image.getRGB(i % image.getWidth(), i / image.getWidth())).distinct().limit(10).count();
    }
}
