package org.latentlab.probe.intrinsicdimension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The probe's figure from reports made by hand, such as one read back from JSON long after its run. */
class IntrinsicDimensionFiguresTest {

    private final IntrinsicDimensionProbe probe = new IntrinsicDimensionProbe();

    @Test
    void cellsOfAnyNumberKindOrStringArePlottedAndEmptyOnesLeftOut() {
        ProbeReport report = report(List.of(
                List.of("all", 90, 3.456, "5.5"),
                List.of(1, 40, 2.25, 1.75),
                List.of(2L, 30, "", "2.5"),
                List.of("3", 15, "1.5", 2.0f),
                List.of(4.0, 5, "", "")));
        List<Figure> figures = probe.figures(report);
        assertEquals(1, figures.size());
        Figure figure = figures.get(0);
        assertEquals("by-step", figure.name());
        assertEquals(Figure.Kind.LINE, figure.kind());
        assertFalse(figure.title().isBlank());
        assertEquals("dimension", figure.yLabel());
        assertTrue(figure.markers().isEmpty());

        Figure.Series twoNN = figure.series().get(0);
        assertEquals("TwoNN", twoNN.label());
        assertEquals(List.of(1.0, 3.0), twoNN.x(), "step 2 has no estimate, the pooled row is no step");
        assertEquals(List.of(2.25, 1.5), twoNN.y());
        Figure.Series ratio = figure.series().get(1);
        assertEquals("participation ratio", ratio.label());
        assertEquals(List.of(1.0, 2.0, 3.0), ratio.x());
        assertEquals(List.of(1.75, 2.5, 2.0), ratio.y());

        assertNotNull(figure.caption());
        assertTrue(figure.caption().endsWith(" All steps pooled: TwoNN 3.46, participation ratio 5.50."), figure.caption());
    }

    @Test
    void columnsAreFoundByNameAndAMissingPooledEstimateIsLeftOutOfTheCaption() {
        ProbeReport report = new ProbeReport("intrinsic-dimension", Map.of(), List.of(new ProbeTable(IntrinsicDimensionProbe.TABLE,
                List.of("participation ratio", "step"), List.of(List.of("", "all"), List.of(4.5, 1), List.of(6.5, 2)))));
        Figure figure = probe.figures(report).get(0);
        assertEquals(List.of("participation ratio"), figure.series().stream().map(Figure.Series::label).toList());
        assertEquals(List.of(1.0, 2.0), figure.series().get(0).x());
        assertEquals(List.of(4.5, 6.5), figure.series().get(0).y());
        assertFalse(figure.caption().contains("pooled"), figure.caption());
    }

    @Test
    void aReportWithoutTheTableOrWithoutStepEstimatesHasNoFigures() {
        assertEquals(List.of(), probe.figures(new ProbeReport("intrinsic-dimension", Map.of(), List.of())));
        assertEquals(List.of(), probe.figures(new ProbeReport("intrinsic-dimension", Map.of("twoNN", 2.0),
                List.of(new ProbeTable("options", List.of("option", "value"), List.of(List.of("examples", 200)))))));
        assertEquals(List.of(), probe.figures(report(List.of(List.of("all", 13, 2.0, 2.5), List.of(1, 5, "", "")))));
        assertEquals(List.of(), probe.figures(report(List.of())));
    }

    private static ProbeReport report(List<List<Object>> rows) {
        return new ProbeReport("intrinsic-dimension", Map.of(), List.of(new ProbeTable(IntrinsicDimensionProbe.TABLE,
                IntrinsicDimensionProbe.COLUMNS, rows)));
    }
}
