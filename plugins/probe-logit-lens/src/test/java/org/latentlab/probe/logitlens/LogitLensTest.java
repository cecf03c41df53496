package org.latentlab.probe.logitlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.method.cot.ChainOfThought;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogitLensTest {

    static final Example SHORT = new Example("short", "Tom is a wumpus. Is Tom a wumpus?",
            List.of("Tom is a wumpus."), "Tom is a wumpus.", Map.of());
    static final Example LONG = new Example("long",
            "Every wumpus is a yumpus. Every yumpus is a zumpus. Tom is a wumpus. Is Tom a zumpus or rempus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."), "Tom is a zumpus.", Map.of());

    private final LogitLens probe = new LogitLens();
    private final Coconut coconut = new Coconut();
    private final ChainOfThought cot = new ChainOfThought();
    private final Vocabulary vocabulary = Vocabulary.build(coconut.specialTokens(),
            List.of(LONG.question(), LONG.answer(), String.join(" ", LONG.steps()), SHORT.question(), "rempus"));
    /** Stage 2 of 3: SHORT (one step) thinks once, LONG twice, so the rows have different numbers of thoughts. */
    private final CurriculumStage twoThoughts = coconut.curriculum(Map.of("maxLatentStage", 3), 5).stages().get(2);
    private final CurriculumStage explicit = cot.curriculum(Map.of(), 1).last();

    private Backbone model;
    private NDManager manager;

    @BeforeEach
    void start() {
        model = new GptBackboneFactory(Engine.getInstance()).create(new BackboneConfig(vocabulary.size(), 32, 2, 4, 64), Device.cpu(), 42);
        manager = model.manager().newSubManager();
    }

    @AfterEach
    void stop() {
        manager.close();
        model.close();
    }

    @Test
    void everyLayerHasARowAndTheLastLayerAgreesWithItself() {
        ProbeReport report = run(coconut, twoThoughts, List.of(SHORT, LONG), Map.of());
        assertEquals("logit-lens", report.probe());
        assertEquals(3.0, report.scalars().get("positions"), "1 thought of SHORT and 2 of LONG");
        assertEquals(2.0, report.scalars().get("examples"));
        ProbeTable layers = table(report, "layers");
        assertEquals(List.of("layer", "mean KL to final", "top-1 agreement with final"), layers.columns());
        assertEquals(2, layers.rows().size(), "one row per layer");
        assertEquals(List.of(0, 1), layers.rows().stream().map(r -> r.get(0)).toList());
        assertEquals(List.of(1, 0.0, 1.0), layers.rows().get(1));
        assertEquals(0.0, report.scalars().get("kl.layer1"));
        assertEquals(1.0, report.scalars().get("agreement.layer1"));
        double early = report.scalars().get("kl.layer0");
        assertTrue(early > 0 && Double.isFinite(early), "an early layer's KL to the last is positive: " + early);
        assertEquals(List.of("latents", "topK", 5, "examples", 2),
                table(report, "options").rows().stream().flatMap(List::stream).toList().subList(1, 6));
        assertTablesHoldFiniteNumbersOrStrings(report);
    }

    @Test
    void thoughtsAreReadAtTheColumnsTheMethodFedBack() {
        ProbeReport report = run(coconut, twoThoughts, List.of(SHORT, LONG), Map.of("topK", 3));
        ProbeTable thoughts = table(report, "thoughts");
        assertEquals(List.of("example", "thought", "top-k", "layer 0 top-1", "layer 1 top-1"), thoughts.columns());
        assertEquals(List.of(List.of("short", 0), List.of("long", 0), List.of("long", 1)),
                thoughts.rows().stream().map(r -> r.subList(0, 2)).toList(), "one row per thought a row has");

        // the token each thought stands for, from the last layer's residual stream at the column the method names
        List<String> expected = new ArrayList<>();
        try (NDManager m = manager.newSubManager()) {
            LatentTrace trace = coconut.forward(model, new Batch(List.of(SHORT, LONG), vocabulary, m), twoThoughts);
            int[] columns = trace.extras().get(LatentTrace.LATENT_COLUMNS).toIntArray();
            assertEquals(List.of(-1), List.of(columns[1]), "SHORT has no second thought");
            NDArray last = trace.extras().get(Taps.hook(1, "resid_post"));
            List<LensPosition> positions = LensPositions.LATENTS.select(trace, vocabulary);
            LensReading reading = LensReading.read(model, trace, positions, true, positions.size(), 1, m);
            int[][] thoughtAt = {{0, 0}, {1, 0}, {1, 1}};
            for (int i = 0; i < 3; i++) {
                int column = columns[thoughtAt[i][0] * 2 + thoughtAt[i][1]];
                NDArray residual = last.get(new NDIndex("{}, {}, :", thoughtAt[i][0], column));
                NDArray p = model.lmHead(model.finalNorm(residual)).softmax(-1);
                int token = (int) p.argMax().toType(DataType.INT64, false).getLong();
                float probability = p.max().getFloat();
                expected.add(vocabulary.token(token));
                // in full precision: the lens at the column read, the thought decoded and the reference all agree
                assertEquals(token, reading.top()[1][i]);
                assertEquals(probability, reading.topProbability()[1][i], 1e-6f, "thought " + i + " read at column " + column);
                assertEquals(token, reading.topK().get(i).get(0).token());
                assertEquals(probability, reading.topK().get(i).get(0).probability(), 1e-6f, "thought " + i + " decoded");
            }
        }
        for (int i = 0; i < 3; i++) {
            List<Object> row = thoughts.rows().get(i);
            String topK = (String) row.get(2);
            assertEquals(3, topK.split("\\), ").length, topK);
            assertEquals(expected.get(i), firstToken(topK), "the thought decodes to the last layer's reading of its column");
            assertEquals(expected.get(i), firstToken((String) row.get(4)));
        }
    }

    @Test
    void answerReadsTheOneColumnHoldingTheAnswerToken() {
        ProbeReport report = run(cot, explicit, List.of(SHORT, LONG), Map.of("positions", "answer"));
        assertEquals(2.0, report.scalars().get("positions"), "one column per example");
        ProbeTable positions = table(report, "positions");
        assertEquals(List.of("example", "column", "target", "top-k", "layer 0 top-1", "layer 1 top-1"), positions.columns());
        try (NDManager m = manager.newSubManager()) {
            LatentTrace trace = cot.forward(model, new Batch(List.of(SHORT, LONG), vocabulary, m), explicit);
            for (int b = 0; b < 2; b++) {
                Example example = List.of(SHORT, LONG).get(b);
                int column = TokenLayout.prompt(example, vocabulary).size()
                        + example.steps().stream().mapToInt(s -> vocabulary.encode(s).size()).sum();
                List<Object> row = positions.rows().get(b);
                assertEquals(List.of(example.id(), column, "Tom"), row.subList(0, 3), "the <answer> column predicts the answer's first word");
                int predicted = (int) trace.logits().get(new NDIndex("{}, {}, :", b, column)).argMax().toType(DataType.INT64, false).getLong();
                assertEquals(vocabulary.token(predicted), firstToken((String) row.get(3)), "the last layer's lens is the model's own prediction");
            }
        }
        assertTrue(report.scalars().containsKey("target.layer1"));
        assertEquals(4, table(report, "layers").columns().size(), "labelled positions add the target hit rate");

        // the same in Coconut's left-padded layout, after the thoughts
        ProbeReport padded = run(coconut, twoThoughts, List.of(SHORT, LONG), Map.of("positions", "answer"));
        assertEquals(List.of(List.of("short", "Tom"), List.of("long", "Tom")),
                table(padded, "positions").rows().stream().map(r -> List.of(r.get(0), r.get(2))).toList());
    }

    @Test
    void withoutThoughtsTheDefaultIsTheAnswer() {
        ProbeReport explicitReport = run(cot, explicit, List.of(SHORT, LONG), Map.of());
        assertEquals(2.0, explicitReport.scalars().get("positions"));
        assertEquals("answer", table(explicitReport, "options").rows().get(0).get(1));
        CurriculumStage noThoughts = coconut.curriculum(Map.of("maxLatentStage", 3), 5).stages().get(0);
        ProbeReport stageZero = run(coconut, noThoughts, List.of(SHORT, LONG), Map.of());
        assertEquals("answer", table(stageZero, "options").rows().get(0).get(1));
        assertEquals(2, table(stageZero, "positions").rows().size());
    }

    @Test
    void supervisedReadsEveryLabelledColumn() {
        ProbeReport report = run(cot, explicit, List.of(SHORT, LONG), Map.of("positions", "supervised"));
        long labelled;
        try (NDManager m = manager.newSubManager()) {
            LatentTrace trace = cot.forward(model, new Batch(List.of(SHORT, LONG), vocabulary, m), explicit);
            labelled = trace.labels().neq(LatentTrace.IGNORE).sum().toType(DataType.INT64, false).getLong();
        }
        assertEquals((double) labelled, report.scalars().get("positions"));
        assertEquals(labelled, table(report, "positions").rows().size(), "both examples are listed");
        assertEquals(1.0, report.scalars().get("agreement.layer1"));
    }

    @Test
    void readsTheFirstExamplesInBatchesAndFreesWhatItAllocates() {
        List<Example> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Example from = i % 2 == 0 ? SHORT : LONG;
            many.add(new Example("e" + i, from.question(), from.steps(), from.answer(), Map.of()));
        }
        ProbeReport report = run(coconut, twoThoughts, many, Map.of("examples", 18, "positions", "answer", "topK", 2));
        assertEquals(18.0, report.scalars().get("examples"));
        assertEquals(18.0, report.scalars().get("positions"), "two batches, one answer each");
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"),
                table(report, "positions").rows().stream().map(r -> r.get(0)).toList(), "the first examples are listed");
        assertTrue(manager.getManagedArrays().isEmpty(), "the probe leaves no arrays in the manager it was given");
    }

    @Test
    void badOptionsAreOneSentence() {
        assertEquals("The logit-lens probe's option 'topK' must be a whole number from 1 to 50, not 0.", error(cot, Map.of("topK", 0)));
        assertEquals("The logit-lens probe's option 'topK' must be a whole number from 1 to 50, not 51.", error(cot, Map.of("topK", 51)));
        assertEquals("The logit-lens probe's option 'topK' must be a whole number from 1 to 50, not 2.5.", error(cot, Map.of("topK", 2.5)));
        assertEquals("The logit-lens probe's option 'examples' must be a whole number from 1 to 10000, not 0.",
                error(cot, Map.of("examples", 0)));
        assertEquals("The logit-lens probe's option 'positions' must be \"latents\", \"answer\" or \"supervised\", not middle.",
                error(cot, Map.of("positions", "middle")));
        String noThoughts = error(cot, Map.of("positions", "latents"));
        assertTrue(noThoughts.contains("'positions'") && noThoughts.contains("\"answer\""), noThoughts);
        for (String message : List.of(noThoughts, error(cot, Map.of("examples", "all")))) {
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        }
        assertEquals(Set.of("topK", "examples", "positions"), probe.options());
        assertEquals(Set.of(Capability.LAYER_STATES), probe.requires());
    }

    @Test
    void figuresDrawEachThoughtsTokensAndEveryLayerAsTheTablesHoldThem() {
        ProbeReport report = run(coconut, twoThoughts, List.of(SHORT, LONG), Map.of("topK", 4));
        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("thought-tokens-1", "thought-tokens-2", "layer-kl", "layer-agreement"),
                figures.stream().map(Figure::name).toList());

        ProbeTable thoughts = table(report, "thoughts");
        List<String> ids = List.of(SHORT.id(), LONG.id());
        for (int e = 0; e < ids.size(); e++) {
            String id = ids.get(e);
            Figure figure = figures.get(e);
            assertEquals(Figure.Kind.LINE, figure.kind());
            assertTrue(figure.caption().contains(id), figure.caption());
            List<List<Object>> rows = thoughts.rows().stream().filter(r -> r.get(0).equals(id)).toList();
            assertFalse(rows.isEmpty());
            assertEquals(List.of("rank 1", "rank 2", "rank 3"), figure.series().stream().map(Figure.Series::label).toList(),
                    "three of the four tokens listed");
            for (int rank = 0; rank < 3; rank++) {
                Figure.Series series = figure.series().get(rank);
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                for (List<Object> row : rows) {
                    String[] listed = ((String) row.get(2)).split("\\), ");
                    assertEquals(4, listed.length, row.toString());
                    String entry = listed[rank];
                    x.add(((Number) row.get(1)).doubleValue());
                    notes.add(entry.substring(0, entry.lastIndexOf(" (")));
                    y.add(Double.parseDouble(entry.substring(entry.lastIndexOf(" (") + 2).replace(")", "")));
                }
                assertEquals(x, series.x(), id + " rank " + (rank + 1));
                assertEquals(y, series.y(), id + " rank " + (rank + 1));
                assertEquals(notes, series.notes(), id + " rank " + (rank + 1));
            }
            for (int point = 0; point < rows.size(); point++) {
                assertTrue(figure.series().get(0).y().get(point) >= figure.series().get(1).y().get(point)
                        && figure.series().get(1).y().get(point) >= figure.series().get(2).y().get(point), "ranks are in order");
            }
        }
        assertFiguresFollowTheLayersTable(report, figures);
        assertEquals(figures, probe.figures(readBack(report, false)), "cells read back from JSON as Integer and Double");
        assertEquals(figures, probe.figures(readBack(report, true)), "cells read back as text");
    }

    @Test
    void figuresDrawSupervisedPositionsButNotTheOneAnswerPerExample() {
        ProbeReport answer = run(cot, explicit, List.of(SHORT, LONG), Map.of("positions", "answer"));
        List<Figure> figures = probe.figures(answer);
        assertEquals(List.of("layer-kl", "layer-agreement"), figures.stream().map(Figure::name).toList(), "one position per example is no line");
        assertFiguresFollowTheLayersTable(answer, figures);
        assertEquals(2, figures.get(1).series().size(), "agreement with the last layer and with the label");

        ProbeReport supervised = run(cot, explicit, List.of(SHORT, LONG), Map.of("positions", "supervised"));
        List<Figure> drawn = probe.figures(supervised);
        assertEquals(List.of("position-tokens-1", "position-tokens-2", "layer-kl", "layer-agreement"), drawn.stream().map(Figure::name).toList());
        ProbeTable positions = table(supervised, "positions");
        for (int e = 0; e < 2; e++) {
            String id = List.of(SHORT, LONG).get(e).id();
            List<List<Object>> rows = positions.rows().stream().filter(r -> r.get(0).equals(id)).toList();
            Figure.Series first = drawn.get(e).series().get(0);
            assertEquals(rows.stream().map(r -> ((Number) r.get(1)).doubleValue()).toList(), first.x(), "x is the column read");
            assertEquals(rows.stream().map(r -> firstToken((String) r.get(3))).toList(), first.notes());
        }
        assertFiguresFollowTheLayersTable(supervised, drawn);
    }

    /** The KL figure is the table's KL column against its layer column, the agreement figure its remaining columns. */
    private static void assertFiguresFollowTheLayersTable(ProbeReport report, List<Figure> figures) {
        ProbeTable layers = table(report, "layers");
        Figure kl = figures.stream().filter(f -> f.name().equals("layer-kl")).findFirst().orElseThrow();
        Figure agreement = figures.stream().filter(f -> f.name().equals("layer-agreement")).findFirst().orElseThrow();
        List<Double> layer = layers.rows().stream().map(r -> ((Number) r.get(0)).doubleValue()).toList();
        assertEquals(1, kl.series().size());
        assertEquals(layer, kl.series().get(0).x());
        assertEquals(layers.rows().stream().map(r -> ((Number) r.get(1)).doubleValue()).toList(), kl.series().get(0).y());
        assertEquals(layers.columns().size() - 2, agreement.series().size());
        for (int column = 2; column < layers.columns().size(); column++) {
            int c = column;
            assertEquals(layer, agreement.series().get(column - 2).x());
            assertEquals(layers.rows().stream().map(r -> ((Number) r.get(c)).doubleValue()).toList(), agreement.series().get(column - 2).y(),
                    layers.columns().get(column));
        }
    }

    /** The report as JSON gives it back: whole numbers as Integer, others as Double, or every number as its text. */
    private static ProbeReport readBack(ProbeReport report, boolean asText) {
        List<ProbeTable> tables = report.tables().stream().map(t -> new ProbeTable(t.title(), t.columns(), t.rows().stream()
                .map(row -> row.stream().map(cell -> cell instanceof Number n
                        ? asText ? (Object) String.valueOf(n) : n instanceof Integer || n instanceof Long ? (Object) n.intValue() : (Object) n.doubleValue()
                        : cell).toList())
                .toList())).toList();
        return new ProbeReport(report.probe(), report.scalars(), tables);
    }

    private ProbeReport run(ReasoningMethod method, CurriculumStage stage, List<Example> examples, Map<String, Object> options) {
        return probe.run(new ProbeContext(model, method, stage, examples, vocabulary, manager, options));
    }

    private String error(ReasoningMethod method, Map<String, Object> options) {
        CurriculumStage stage = method == cot ? explicit : twoThoughts;
        return assertThrows(IllegalArgumentException.class, () -> run(method, stage, List.of(SHORT), options)).getMessage();
    }

    private static ProbeTable table(ProbeReport report, String title) {
        return report.tables().stream().filter(t -> t.title().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + title + " in " + report.tables()));
    }

    /** The token of {@code "token (0.41), ..."}. */
    private static String firstToken(String listed) {
        return listed.substring(0, listed.indexOf(" ("));
    }

    private static void assertTablesHoldFiniteNumbersOrStrings(ProbeReport report) {
        report.scalars().forEach((name, value) -> assertTrue(Double.isFinite(value), name + " = " + value));
        for (ProbeTable table : report.tables()) {
            for (List<Object> row : table.rows()) {
                assertEquals(table.columns().size(), row.size(), table.title());
                for (Object cell : row) {
                    assertTrue(cell instanceof String || cell instanceof Number n && Double.isFinite(n.doubleValue()), table.title() + ": " + cell);
                }
            }
        }
    }
}
