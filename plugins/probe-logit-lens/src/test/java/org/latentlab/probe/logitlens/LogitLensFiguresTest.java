package org.latentlab.probe.logitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/** The report drawn from its tables alone, as read back from JSON long after the run: any kind of number, text or empty cells. */
class LogitLensFiguresTest {

    private final LogitLens probe = new LogitLens();

    @Test
    void eachOfTheFirstThreeExamplesDrawsItsThoughtsTokensWithTheTokenBesideEachPoint() {
        ProbeTable thoughts = new ProbeTable("thoughts", List.of("example", "thought", "top-k", "layer 0 top-1"), List.of(
                List.of("a", 0, "wumpus (0.50), , (0.30), ( (0.10), is (0.05)", "x (0.10)"),
                List.of("a", 1L, "Tom (0.61), ) (0.20), yumpus (0.09), is (0.01)", "x (0.10)"),
                List.of("a", "2", "zumpus (0.90), Tom (0.05), . (0.02), is (0.01)", "x (0.10)"),
                List.of("b", 0, "", "x (0.10)"),
                List.of("b", 1, "not a listing", "x (0.10)"),
                List.of("c", 0.0, "rempus (0.70)", "x (0.10)"),
                List.of("c", "", "lost (0.70)", "x (0.10)"),
                List.of("d", 0, "Tom (0.40), is (0.35)", "x (0.10)"),
                List.of("e", 0, "Tom (0.40), is (0.35)", "x (0.10)")));
        List<Figure> figures = probe.figures(new ProbeReport("logit-lens", Map.of(), List.of(thoughts)));
        assertEquals(List.of("thought-tokens-1", "thought-tokens-2", "thought-tokens-3"), figures.stream().map(Figure::name).toList(),
                "b has no readable thought and e is past the third figure");
        assertEquals(List.of("a", "c", "d"), figures.stream().map(f -> f.title().substring(f.title().lastIndexOf(' ') + 1)).toList());
        assertTrue(figures.get(0).caption().startsWith("Example a:"), figures.get(0).caption());

        Figure a = figures.get(0);
        assertEquals(List.of("rank 1", "rank 2", "rank 3"), a.series().stream().map(Figure.Series::label).toList(), "at most three ranks");
        assertEquals(List.of(0.0, 1.0, 2.0), a.series().get(0).x());
        assertEquals(List.of(0.5, 0.61, 0.9), a.series().get(0).y());
        assertEquals(List.of("wumpus", "Tom", "zumpus"), a.series().get(0).notes());
        assertEquals(List.of(",", ")", "Tom"), a.series().get(1).notes(), "punctuation tokens are read whole");
        assertEquals(List.of("(", "yumpus", "."), a.series().get(2).notes());
        assertEquals(List.of(0.1, 0.09, 0.02), a.series().get(2).y());

        Figure c = figures.get(1);
        assertEquals(1, c.series().size(), "one token listed, one rank");
        assertEquals(List.of(0.0), c.series().get(0).x(), "the row without a thought index is left out");
        assertEquals(List.of("rempus"), c.series().get(0).notes());
        assertTrue(c.caption().contains("the most probable token"), c.caption());
        assertEquals(2, figures.get(2).series().size());
    }

    @Test
    void positionsAreDrawnWhereAnExampleWasReadAtSeveral() {
        List<String> columns = List.of("example", "column", "target", "top-k", "layer 0 top-1");
        ProbeTable answer = new ProbeTable("positions", columns, List.of(
                List.of("a", 9, "Tom", "Tom (0.20), is (0.10)", "x (0.10)"), List.of("b", 12, "Tom", "is (0.30), Tom (0.10)", "x (0.10)")));
        assertEquals(List.of(), probe.figures(new ProbeReport("logit-lens", Map.of(), List.of(answer))), "one position per example is no line");

        ProbeTable supervised = new ProbeTable("positions", columns, List.of(
                List.of("a", 9, "Tom", "Tom (0.20), is (0.10)", "x (0.10)"), List.of("a", 10, "is", "is (0.60), a (0.10)", "x (0.10)"),
                List.of("b", 12, "Tom", "is (0.30), Tom (0.10)", "x (0.10)")));
        List<Figure> figures = probe.figures(new ProbeReport("logit-lens", Map.of(), List.of(supervised)));
        assertEquals(List.of("position-tokens-1"), figures.stream().map(Figure::name).toList());
        assertEquals(List.of(9.0, 10.0), figures.get(0).series().get(0).x());
        assertEquals(List.of("Tom", "is"), figures.get(0).series().get(0).notes());
        assertEquals(List.of(0.1, 0.1), figures.get(0).series().get(1).y());
    }

    @Test
    void layersDrawTheKlAndTheAgreementsAgainstTheLayerLeavingOutEmptyCells() {
        ProbeTable layers = new ProbeTable("layers", List.of("layer", "mean KL to final", "top-1 agreement with final", "top-1 matches target"),
                List.of(List.of(0, "2.5", 0.25, ""), List.of("1", Double.MAX_VALUE, "0.5", 0.5), List.of(2L, "", 0.75, 0.5f),
                        List.of(3, 0, 1, 1.0)));
        ProbeTable options = new ProbeTable("options", List.of("option", "value"), List.of(List.of("positions", "answer")));
        List<Figure> figures = probe.figures(new ProbeReport("logit-lens", Map.of(), List.of(layers, options)));
        assertEquals(List.of("layer-kl", "layer-agreement"), figures.stream().map(Figure::name).toList());

        Figure kl = figures.get(0);
        assertEquals(List.of(0.0, 3.0), kl.series().get(0).x(), "an empty cell and an overflowed divergence are left out");
        assertEquals(List.of(2.5, 0.0), kl.series().get(0).y());
        assertTrue(kl.yLabel().contains("nats") && kl.caption().contains("answer"), kl.caption());

        Figure agreement = figures.get(1);
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0), agreement.series().get(0).x());
        assertEquals(List.of(0.25, 0.5, 0.75, 1.0), agreement.series().get(0).y());
        assertEquals(List.of(1.0, 2.0, 3.0), agreement.series().get(1).x());
        assertEquals(List.of(0.5, 0.5, 1.0), agreement.series().get(1).y());

        ProbeTable noTarget = new ProbeTable("layers", List.of("layer", "top-1 agreement with final"), List.of(List.of(0, 1.0)));
        List<Figure> agreementOnly = probe.figures(new ProbeReport("logit-lens", Map.of(), List.of(noTarget)));
        assertEquals(List.of("layer-agreement"), agreementOnly.stream().map(Figure::name).toList(), "no KL column, no KL figure");
        assertEquals(1, agreementOnly.get(0).series().size());
    }

    @Test
    void aReportWithoutTablesOrRowsHasNoFigures() {
        assertEquals(List.of(), probe.figures(new ProbeReport("logit-lens", Map.of(), List.of())));
        assertEquals(List.of(), probe.figures(new ProbeReport("logit-lens", Map.of("positions", 0.0), List.of(
                new ProbeTable("layers", List.of("layer", "mean KL to final", "top-1 agreement with final"), List.of()),
                new ProbeTable("thoughts", List.of("example", "thought", "top-k"), List.of()),
                new ProbeTable("options", List.of("option", "value"), List.of(List.of("positions", "none read")))))));
    }

    @Test
    void aListingIsReadBackTokenByToken() {
        assertEquals(List.of(new LogitLensFigures.Ranked(",", 0.3), new LogitLensFigures.Ranked("(", 0.2), new LogitLensFigures.Ranked("a", 0.1)),
                LogitLensFigures.ranked(", (0.30), ( (0.20), a (0.10)"));
        assertEquals(List.of(), LogitLensFigures.ranked("a (0.10), b"), "a listing with an unreadable end is not read in part");
        assertEquals(List.of(), LogitLensFigures.ranked("a (high)"));
        assertEquals(List.of(), LogitLensFigures.ranked(null));
    }
}
