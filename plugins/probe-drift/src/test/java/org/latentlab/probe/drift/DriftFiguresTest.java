package org.latentlab.probe.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.figure.Figure.Kind;
import org.latentlab.api.figure.Figure.Series;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;

/**
 * The drift probe's figures: drawn from reports the probe made through the fake method and backbone of
 * {@link DriftProbeTest}, from a report made by hand with cells as JSON gives them back, and from reports without the
 * tables.
 */
class DriftFiguresTest {

    private final CurriculumStage stage = new CurriculumStage(1, "continuous", 3, Map.of("latentSteps", 3));
    private final DriftProbe probe = new DriftProbe();
    private NDManager manager;
    private DriftProbeTest.FakeMethod method;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager();
        method = new DriftProbeTest.FakeMethod();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void theScatterIsTheRecordedProjectionOfTheTokenEmbeddingsAndOfEachStep() {
        Vocabulary vocabulary = Vocabulary.build(List.of(), List.of("a b c d e f"));
        float[][] spread = DriftProbeTest.SPREAD;
        method.rows.put("x", List.of(spread[6], spread[7], spread[8]));
        method.rows.put("y", List.of(spread[9], spread[10]));
        ProbeReport report = run(spread, vocabulary, List.of(example("x"), example("y")));
        ProbeTable table = table(report, DriftProbe.PROJECTION);
        assertEquals(List.of("set", "token", "PC1", "PC2"), table.columns());

        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("pca", "closeness-by-step", "norm-ratio-by-step", "area-ratio-by-step"),
                figures.stream().map(Figure::name).toList());
        figures.forEach(f -> {
            assertNotNull(f.caption(), f.name());
            assertTrue(!f.title().isBlank() && !f.xLabel().isBlank() && !f.yLabel().isBlank(), f.name());
        });

        Figure pca = figures.get(0);
        assertEquals(Kind.SCATTER, pca.kind());
        assertEquals(List.of(DriftProbe.TOKENS, "step 1", "step 2", "step 3"), pca.series().stream().map(Series::label).toList());
        // every series holds exactly its set's rows of the table, in order
        for (Series series : pca.series()) {
            List<List<Object>> rows = table.rows().stream().filter(r -> r.get(0).equals(series.label())).toList();
            assertEquals(rows.stream().map(r -> ((Number) r.get(2)).doubleValue()).toList(), series.x(), series.label());
            assertEquals(rows.stream().map(r -> ((Number) r.get(3)).doubleValue()).toList(), series.y(), series.label());
        }
        Series tokens = pca.series().get(0);
        assertEquals(vocabulary.size(), tokens.x().size(), "a small vocabulary is recorded whole");
        assertEquals(List.of(2, 2, 1), pca.series().subList(1, 4).stream().map(s -> s.x().size()).toList(), "every latent read, per step");

        // the token points are the embeddings centred and turned onto their two directions of greatest variance
        double[][] points = new double[tokens.x().size()][];
        double[][] originals = new double[points.length][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {tokens.x().get(i), tokens.y().get(i)};
            String token = (String) rowsOf(table, DriftProbe.TOKENS).get(i).get(1);
            originals[i] = toDouble(spread[vocabulary.id(token)]);
            assertEquals(vocabulary.token(i), token, "all ids, in order");
        }
        double[] mean = Geometry.mean(points, 2);
        assertEquals(0.0, mean[0], 1e-9);
        assertEquals(0.0, mean[1], 1e-9);
        double[][] cov = Geometry.covariance(points, mean);
        assertTrue(cov[0][0] >= cov[1][1] - 1e-9, "PC1 varies at least as much as PC2: " + cov[0][0] + " < " + cov[1][1]);
        assertTrue(cov[1][1] > 0, "the embeddings are not on a line");
        assertEquals(0.0, cov[0][1], 1e-9, "principal components are uncorrelated");
        double[][] full = Geometry.covariance(originals, Geometry.mean(originals, 3));
        double captured = cov[0][0] + cov[1][1];
        assertTrue(captured <= full[0][0] + full[1][1] + full[2][2] + 1e-9, "a projection keeps no more than the whole variance");
        for (int[] plane : new int[][] {{0, 1}, {0, 2}, {1, 2}}) {
            assertTrue(captured >= full[plane[0]][plane[0]] + full[plane[1]][plane[1]] - 1e-9,
                    "the principal plane keeps at least as much variance as the coordinate plane " + plane[0] + plane[1]);
        }
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < points.length; j++) {
                assertTrue(distance(points[i], points[j]) <= distance(originals[i], originals[j]) + 1e-6, "a projection never spreads points");
            }
        }

        // a latent on a token's embedding is recorded at that token's point, with that token as its nearest
        for (String step : List.of("step 1", "step 2", "step 3")) {
            for (List<Object> latent : rowsOf(table, step)) {
                List<Object> token = rowsOf(table, DriftProbe.TOKENS).stream().filter(r -> r.get(1).equals(latent.get(1))).findFirst()
                        .orElseThrow();
                assertEquals(((Number) token.get(2)).doubleValue(), ((Number) latent.get(2)).doubleValue(), 1e-6, step + " " + latent);
                assertEquals(((Number) token.get(3)).doubleValue(), ((Number) latent.get(3)).doubleValue(), 1e-6, step + " " + latent);
            }
        }
        assertEquals(List.of("a", "d"), rowsOf(table, "step 1").stream().map(r -> r.get(1)).toList(), "x's and y's first latents");

        // the per-step lines are the step scalars against the step
        Map<String, String> scalarOf = Map.of("nearest cosine", "nearestCosine", "on-token fraction", "onTokenFraction", "norm ratio",
                "normRatio", "PCA area ratio", "pcaAreaRatio");
        for (Figure figure : figures.subList(1, 4)) {
            assertEquals(Kind.LINE, figure.kind());
            for (Series series : figure.series()) {
                assertEquals(List.of(1.0, 2.0, 3.0), series.x(), figure.name());
                for (int t = 1; t <= 3; t++) {
                    assertEquals(report.scalars().get("step" + t + "." + scalarOf.get(series.label())), series.y().get(t - 1), 1e-12,
                            series.label() + " at step " + t);
                }
            }
        }
        assertEquals(List.of("nearest cosine", "on-token fraction"), figures.get(1).series().stream().map(Series::label).toList());
        assertEquals(List.of("norm ratio"), figures.get(2).series().stream().map(Series::label).toList());
        assertEquals(List.of("PCA area ratio"), figures.get(3).series().stream().map(Series::label).toList());
    }

    @Test
    void aLargeRunIsThinnedEvenlyAndTheSameEveryTime() {
        StringBuilder text = new StringBuilder();
        int words = 2 * DriftProbe.MAX_TOKEN_POINTS;
        for (int i = 0; i < words; i++) {
            text.append(" w").append(i);
        }
        Vocabulary vocabulary = Vocabulary.build(List.of(), List.of(text.toString()));
        int size = vocabulary.size();
        float[][] embeddings = new float[size][];
        for (int i = 0; i < size; i++) {
            embeddings[i] = new float[] {(float) Math.sin(0.7 * i) * (1 + i % 5), (float) Math.cos(1.3 * i), (float) (i % 7) / 7, 0.5f};
        }
        int examples = DriftProbe.MAX_STEP_POINTS + 37;
        int twoSteps = DriftProbe.MAX_STEP_POINTS / 2;
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            method.rows.put("e" + i, i < twoSteps ? List.of(embeddings[i], embeddings[size - 1 - i]) : List.of(embeddings[i]));
            list.add(example("e" + i));
        }
        ProbeReport report = run(embeddings, vocabulary, list);
        ProbeTable table = table(report, DriftProbe.PROJECTION);

        List<Integer> ids = rowsOf(table, DriftProbe.TOKENS).stream().map(r -> vocabulary.id((String) r.get(1))).toList();
        assertEquals(DriftProbe.MAX_TOKEN_POINTS, ids.size());
        assertEquals(0, ids.get(0));
        int floor = size / DriftProbe.MAX_TOKEN_POINTS;
        int ceiling = (size + DriftProbe.MAX_TOKEN_POINTS - 1) / DriftProbe.MAX_TOKEN_POINTS;
        for (int i = 1; i < ids.size(); i++) {
            int gap = ids.get(i) - ids.get(i - 1);
            assertTrue(gap >= floor && gap <= ceiling, "ids kept evenly, not " + ids.get(i - 1) + " then " + ids.get(i));
        }
        assertTrue(ids.get(ids.size() - 1) >= size - ceiling, "the kept ids reach the end of the vocabulary");
        assertEquals(DriftProbe.MAX_STEP_POINTS, rowsOf(table, "step 1").size(), "step 1 had " + examples + " latents");
        assertEquals(twoSteps, rowsOf(table, "step 2").size(), "a step under the cap is recorded whole");

        List<Figure> figures = probe.figures(report);
        Figure pca = figures.stream().filter(f -> f.name().equals("pca")).findFirst().orElseThrow();
        assertEquals(List.of(DriftProbe.MAX_TOKEN_POINTS, DriftProbe.MAX_STEP_POINTS, twoSteps),
                pca.series().stream().map(s -> s.x().size()).toList());
        assertEquals(table.rows(), table(run(embeddings, vocabulary, list), DriftProbe.PROJECTION).rows(), "the same points every run");
    }

    @Test
    void thinningKeepsEveryItemUnderTheCapAndSpreadsOverThemAbove() {
        for (int n : new int[] {0, 1, 5, 99, 100, 101, 250, 1003}) {
            int cap = 100;
            int[] kept = DriftProbe.thinned(n, cap);
            assertEquals(Math.min(n, cap), kept.length, "n = " + n);
            for (int i = 0; i < kept.length; i++) {
                assertTrue(kept[i] >= 0 && kept[i] < n, "n = " + n);
                assertTrue(i == 0 ? kept[i] == 0 : kept[i] > kept[i - 1], "n = " + n + " in order, from the first");
                if (i > 0) {
                    assertTrue(kept[i] - kept[i - 1] <= (n + cap - 1) / cap, "n = " + n + " evenly");
                }
            }
        }
    }

    @Test
    void aReportReadBackFromJsonIsDrawnFromNumbersAndStrings() {
        // cells as Jackson gives them back: Integer, Double, and strings of numbers; an empty cell is a missing value
        ProbeReport report = new ProbeReport("drift", Map.of(), List.of(
                new ProbeTable(DriftProbe.TABLE, DriftProbe.COLUMNS, List.of(
                        List.of(1, 40, 0.93, 0.7, 1.25, 0.5, "a"),
                        List.of(2, 40, "0.61", 0.2, 3, "", "b"),
                        List.of("3", 38, 0.4, 0, 7.5, 1.75, "<sep>"))),
                new ProbeTable(DriftProbe.PROJECTION, DriftProbe.PROJECTION_COLUMNS, List.of(
                        List.of(DriftProbe.TOKENS, "a", 1, -2.5),
                        List.of(DriftProbe.TOKENS, "b", "-0.5", 0.25),
                        List.of("step 2", "a", 0.125, 4),
                        List.of(DriftProbe.TOKENS, "c", "", 1.0),
                        List.of("step 1", "b", 2.0, "3"),
                        List.of("step 2", "b", -1, -1))),
                new ProbeTable("options", List.of("option", "value"), List.of(List.of("examples", 40)))));
        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("pca", "closeness-by-step", "norm-ratio-by-step", "area-ratio-by-step"),
                figures.stream().map(Figure::name).toList());

        Figure pca = figures.get(0);
        assertEquals(List.of(DriftProbe.TOKENS, "step 2", "step 1"), pca.series().stream().map(Series::label).toList(),
                "sets in the order they first appear");
        assertEquals(List.of(1.0, -0.5), pca.series().get(0).x(), "a point with no PC1 is left out");
        assertEquals(List.of(-2.5, 0.25), pca.series().get(0).y());
        assertEquals(List.of(0.125, -1.0), pca.series().get(1).x());
        assertEquals(List.of(4.0, -1.0), pca.series().get(1).y());
        assertEquals(List.of(3.0), pca.series().get(2).y());

        Figure closeness = figures.get(1);
        assertEquals(List.of(1.0, 2.0, 3.0), closeness.series().get(0).x());
        assertEquals(List.of(0.93, 0.61, 0.4), closeness.series().get(0).y());
        assertEquals(List.of(0.7, 0.2, 0.0), closeness.series().get(1).y());
        assertEquals(List.of(1.25, 3.0, 7.5), figures.get(2).series().get(0).y());
        List<Double> area = figures.get(3).series().get(0).y();
        assertEquals(0.5, area.get(0));
        assertTrue(area.get(1).isNaN(), "a missing value stays a gap: " + area);
        assertEquals(1.75, area.get(2));
    }

    @Test
    void aReportWithoutTheTablesHasNoFigures() {
        assertEquals(List.of(), probe.figures(new ProbeReport("drift", Map.of(), List.of())));
        assertEquals(List.of(), probe.figures(new ProbeReport("drift", Map.of("nearestCosine", 0.9),
                List.of(new ProbeTable("options", List.of("option", "value"), List.of(List.of("examples", 5)))))));
        assertEquals(List.of(), probe.figures(new ProbeReport("drift", Map.of(), List.of(
                new ProbeTable(DriftProbe.TABLE, DriftProbe.COLUMNS, List.of()),
                new ProbeTable(DriftProbe.PROJECTION, DriftProbe.PROJECTION_COLUMNS, List.of())))), "tables without rows");
        // a report from before the projection was recorded still has its per-step lines
        ProbeReport old = new ProbeReport("drift", Map.of(), List.of(new ProbeTable(DriftProbe.TABLE, DriftProbe.COLUMNS,
                List.of(List.of(1, 4, 0.9, 0.5, 1.0, 0.3, "a")))));
        assertEquals(List.of("closeness-by-step", "norm-ratio-by-step", "area-ratio-by-step"),
                probe.figures(old).stream().map(Figure::name).toList());
        // a table whose columns are not the ones a figure reads gives no such figure
        ProbeReport other = new ProbeReport("drift", Map.of(), List.of(new ProbeTable(DriftProbe.PROJECTION, List.of("x", "y"),
                List.of(List.of(1, 2)))));
        assertEquals(List.of(), probe.figures(other));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ProbeReport run(float[][] embeddings, Vocabulary vocabulary, List<Example> examples) {
        return probe.run(new ProbeContext(new DriftProbeTest.FakeBackbone(embeddings, manager), method, stage, examples, vocabulary, manager,
                Map.of()));
    }

    private static Example example(String id) {
        return new Example(id, "a b", List.of("c"), "d", Map.of());
    }

    private static ProbeTable table(ProbeReport report, String title) {
        return report.tables().stream().filter(t -> t.title().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + title + " in " + report.tables()));
    }

    private static List<List<Object>> rowsOf(ProbeTable table, String set) {
        return table.rows().stream().filter(r -> r.get(0).equals(set)).toList();
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
