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
