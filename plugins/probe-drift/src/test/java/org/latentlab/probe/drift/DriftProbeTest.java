package org.latentlab.probe.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DriftProbeTest {

    /** Six reserved tokens (ids 0 to 5), then a to f (ids 6 to 11). */
    private final Vocabulary vocabulary = Vocabulary.build(List.of(), List.of("a b c d e f"));
    private final CurriculumStage stage = new CurriculumStage(1, "continuous", 3, Map.of("latentSteps", 3));

    /**
     * Hand-made embeddings of width 3: the reserved tokens are the unit vectors +-x, +-y, +-z (norm 1), a to d are
     * (+-2, +-2, 1) (norm 3), e is (0, 3, 4) and f is (4, 0, 3) (norm 5); the mean norm is (6 + 12 + 10) / 12 = 7/3. Two
     * rows past the vocabulary (ids 12, 13), which the probe must not read, are far off at (100, 100, 100).
     */
    static final float[][] SPREAD = {
        {1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1},
        {2, 2, 1}, {-2, 2, 1}, {2, -2, 1}, {-2, -2, 1}, {0, 3, 4}, {4, 0, 3},
        {100, 100, 100}, {100, 100, 100}};

    private final DriftProbe probe = new DriftProbe();
    private NDManager manager;
    private FakeMethod method;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager();
        method = new FakeMethod();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void latentsOnTokenEmbeddingsSitOnTheManifold() {
        method.rows.put("x", List.of(SPREAD[6], SPREAD[7], SPREAD[8]));
        method.rows.put("y", List.of(SPREAD[9], SPREAD[10]));
        ProbeReport report = run(SPREAD, List.of(example("x"), example("y")), Map.of());
        Map<String, Double> s = report.scalars();
        assertEquals("drift", report.probe());
        assertEquals(2.0, s.get("examples"));
        assertEquals(5.0, s.get("points"), "y's third step is absent (column -1) though its row holds numbers");
        assertEquals(1.0, s.get("nearestCosine"), 1e-6);
        assertEquals(1.0, s.get("onTokenFraction"));
        // latent norms 3, 3, 3, 3, 5: mean 17/5; embedding mean norm 7/3
        assertEquals((17.0 / 5) / (7.0 / 3), s.get("normRatio"), 1e-6);
        assertEquals(9.0 / 7, s.get("step1.normRatio"), 1e-6, "e6 and e9, norm 3 each");
        assertEquals((4.0) / (7.0 / 3), s.get("step2.normRatio"), 1e-6, "e7 and e10, norms 3 and 5");
        assertEquals(1.0, s.get("step3.points"));
        double area = s.get("pcaAreaRatio");
        assertTrue(area > 0 && area <= 1 + 1e-9, "latents among the embeddings span less than they do: " + area);
        for (int t = 1; t <= 3; t++) {
            assertEquals(1.0, s.get("step" + t + ".nearestCosine"), 1e-6);
            assertEquals(1.0, s.get("step" + t + ".onTokenFraction"));
            assertTrue(s.get("step" + t + ".pcaAreaRatio") <= s.get("pcaAreaRatio") + 1e-9);
        }

        ProbeTable table = table(report, "Latent drift per step");
        assertEquals(List.of("step", "points", "nearest cosine", "on-token fraction", "norm ratio", "PCA area ratio",
                "nearest token of the mean"), table.columns());
        assertEquals(3, table.rows().size());
        assertEquals(List.of(1, 2), table.rows().get(0).subList(0, 2));
        // step 1's mean (0, 0, 1) is <sep>'s embedding; step 2's mean (-1, 2.5, 2.5) is nearest e's (0, 3, 4); step 3 is c itself
        assertEquals(Vocabulary.SEP, table.rows().get(0).get(6));
        assertEquals("e", table.rows().get(1).get(6));
        assertEquals("c", table.rows().get(2).get(6));
        assertEquals(List.of(List.of("examples", 2)), table(report, "options").rows());
        assertFinite(report);
    }

    @Test
    void latentsAllOverTheEmbeddingsHaveAnAreaRatioOfOne() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            method.rows.put("e" + i, List.of(SPREAD[i]));
            examples.add(example("e" + i));
        }
        Map<String, Double> s = run(SPREAD, examples, Map.of()).scalars();
        assertEquals(1.0, s.get("pcaAreaRatio"), 1e-9);
        assertEquals(1.0, s.get("normRatio"), 1e-9);
        assertEquals(12.0, s.get("step1.points"));
    }

    @Test
    void latentsOrthogonalToEveryEmbeddingHaveNoCosineAndNoArea() {
        // embeddings in the plane of the first two axes, spread out; latents in the plane of the last two
        float[][] plane = new float[12][];
        for (int i = 0; i < 12; i++) {
            double angle = 2 * Math.PI * i / 12;
            double r = 1 + i % 3;
            plane[i] = new float[] {(float) (r * Math.cos(angle)), (float) (r * Math.sin(angle)), 0, 0};
        }
        method.rows.put("x", List.of(new float[] {0, 0, 1, 2}, new float[] {0, 0, 3, -1}, new float[] {0, 0, -2, 2}));
        method.rows.put("y", List.of(new float[] {0, 0, 5, 5}, new float[] {0, 0, -4, 1}));
        Map<String, Double> s = run(plane, List.of(example("x"), example("y")), Map.of()).scalars();
        assertEquals(5.0, s.get("points"));
        assertEquals(0.0, s.get("nearestCosine"), 1e-9);
        assertEquals(0.0, s.get("onTokenFraction"));
        assertEquals(0.0, s.get("pcaAreaRatio"), 1e-9, "every latent projects onto one point of the embeddings' plane");
        assertEquals(0.0, s.get("step1.pcaAreaRatio"), 1e-9);
        assertTrue(s.get("normRatio") > 1, "the latents are longer than the embeddings, though off their plane");
    }

    @Test
    void convexHullAreaByHand() {
        List<double[]> square = new ArrayList<>(List.of(new double[] {0, 0}, new double[] {1, 0}, new double[] {1, 1}, new double[] {0, 1},
                new double[] {0.5, 0.5}, new double[] {0.5, 0}, new double[] {0.2, 0.7}, new double[] {1, 0.3}));
        assertEquals(1.0, Geometry.hullArea(square), 1e-12, "interior and edge points add nothing");
        assertEquals(6.0, Geometry.hullArea(List.of(new double[] {0, 0}, new double[] {4, 0}, new double[] {0, 3}, new double[] {1, 1})), 1e-12);
        assertEquals(0.0, Geometry.hullArea(List.of(new double[] {0, 0}, new double[] {1, 1}, new double[] {2, 2}, new double[] {3, 3})));
        assertEquals(0.0, Geometry.hullArea(List.of(new double[] {0, 0}, new double[] {1, 1})));
        assertEquals(2.0, Geometry.hullArea(List.of(new double[] {-1, 0}, new double[] {0, -1}, new double[] {1, 0}, new double[] {0, 1},
                new double[] {0, 1}, new double[] {0, 0})), 1e-12, "a diamond with a repeated point");
    }

    @Test
    void powerIterationFindsTheLongAxisFirst() {
        // the points (+-3, 0), (0, +-1) turned by 30 degrees: variance 4.5 along (cos 30, sin 30), 0.5 across it
        double c = Math.cos(Math.PI / 6);
        double sn = Math.sin(Math.PI / 6);
        double[][] cloud = new double[4][];
        double[][] local = {{3, 0}, {-3, 0}, {0, 1}, {0, -1}};
        for (int i = 0; i < 4; i++) {
            cloud[i] = new double[] {c * local[i][0] - sn * local[i][1], sn * local[i][0] + c * local[i][1]};
        }
        double[] mean = Geometry.mean(cloud, 2);
        assertArrayEquals(new double[] {0, 0}, mean, 1e-12);
        double[][] cov = Geometry.covariance(cloud, mean);
        assertEquals(4.5 * c * c + 0.5 * sn * sn, cov[0][0], 1e-12);
        double[][] pcs = Geometry.topEigenvectors(cov, 2);
        assertArrayEquals(new double[] {c, sn}, pcs[0], 1e-9);
        assertArrayEquals(new double[] {-sn, c}, pcs[1], 1e-9);
        assertEquals(4.5, Geometry.dot(pcs[0], Geometry.multiply(cov, pcs[0])), 1e-9);

        double[][] diagonal = {{1, 0, 0}, {0, 5, 0}, {0, 0, 3}};
        double[][] top = Geometry.topEigenvectors(diagonal, 2);
        assertArrayEquals(new double[] {0, 1, 0}, top[0], 1e-9);
        assertArrayEquals(new double[] {0, 0, 1}, top[1], 1e-9);
        // rank one: the second component is still a unit vector orthogonal to the first
        double[][] rankOne = Geometry.topEigenvectors(new double[][] {{4, 0}, {0, 0}}, 2);
        assertArrayEquals(new double[] {1, 0}, rankOne[0], 1e-9);
        assertEquals(0.0, Geometry.dot(rankOne[0], rankOne[1]), 1e-12);
        assertEquals(1.0, Geometry.norm(rankOne[1]), 1e-12);
    }

    @Test
    void withoutLatentColumnsZeroRowsAreAbsent() {
        method.columns = false;
        method.rows.put("x", List.of(SPREAD[6], SPREAD[7], SPREAD[8]));
        method.rows.put("y", List.of(SPREAD[9]));
        Map<String, Double> s = run(SPREAD, List.of(example("x"), example("y")), Map.of()).scalars();
        assertEquals(4.0, s.get("points"), "y's zero rows at steps 2 and 3 are not read");
        assertEquals(2.0, s.get("step1.points"));
        assertEquals(1.0, s.get("step2.points"));
        assertEquals(1.0, s.get("nearestCosine"), 1e-6);
    }

    @Test
    void methodOptionsAreLaidOverTheStageTheMethodRunsAt() {
        List<Example> one = List.of(example("m"));
        method.rows.put("m", List.of(SPREAD[6]));
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("feedback", "model");
        overrides.put("latentSteps", null);
        try (NDManager scope = manager.newSubManager()) {
            probe.run(new ProbeContext(new FakeBackbone(SPREAD, manager), method, stage, one, vocabulary, scope,
                    Map.of("methodOptions", overrides)));
        }
        assertEquals(List.of(Map.of("feedback", "model")), method.settings, "a setting replaced or added, a null one removed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(Map.of("methodOptions", 3)));
        assertTrue(e.getMessage().startsWith("The drift probe's option 'methodOptions' must be an object"), e.getMessage());
    }

    @Test
    void readsTheFirstExamplesInBatchesAndFreesWhatItAllocates() {
        List<Example> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(example("e" + i));
            method.rows.put("e" + i, List.of(SPREAD[6 + i % 6]));
        }
        try (NDManager scope = manager.newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(new FakeBackbone(SPREAD, manager), method, stage, many, vocabulary, scope,
                    Map.of("examples", 18)));
            assertEquals(18.0, report.scalars().get("points"));
            assertEquals(List.of(16, 2), method.batches.stream().map(List::size).toList());
            assertEquals("e17", method.batches.get(1).get(1));
            assertTrue(scope.getManagedArrays().isEmpty(), "the probe leaves no arrays in the manager it was given");
        }
    }

    @Test
    void noLatentsIsOneSentence() {
        String message = "This method gives no latent steps (LatentTrace.latents()); the drift probe needs a method with continuous"
                + " reasoning steps, such as coconut or cot2.";
        method.nullLatents = true;
        method.rows.put("x", List.of(SPREAD[6]));
        assertEquals(message, error(List.of(example("x")), Map.of()));
        method.nullLatents = false;
        method.rows.put("x", List.of());
        assertEquals(message, error(List.of(example("x")), Map.of()), "a method that gives no steps present");
        method.columns = false;
        method.rows.put("x", List.of(new float[3], new float[3]));
        assertEquals(message, error(List.of(example("x")), Map.of()), "only zero rows, without latent columns");
    }

    @Test
    void badOptionsAreOneSentenceNamingTheOption() {
        Map<Map<String, Object>, String> bad = new LinkedHashMap<>();
        for (Object examples : List.of(0, -3, 2.5, "all", Double.NaN)) {
            bad.put(Map.of("examples", examples), "The drift probe's option 'examples' must be a whole number of at least 1, not " + examples + ".");
        }
        bad.put(Map.of("threshold", 0.9), "The drift probe has no option 'threshold'; its options are examples, methodOptions.");
        method.rows.put("x", List.of(SPREAD[6]));
        bad.forEach((options, message) -> {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(options)).getMessage());
            assertEquals(message, error(List.of(example("x")), options), "run checks as checkOptions does");
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        });
        probe.checkOptions(Map.of("examples", 1));
        probe.checkOptions(Map.of("examples", 200.0));
        probe.checkOptions(Map.of());
        assertEquals(Set.of("examples", "methodOptions"), probe.options());
        assertEquals(Set.of(Capability.LATENT_STEPS), probe.requires());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ProbeReport run(float[][] embeddings, List<Example> examples, Map<String, Object> options) {
        return probe.run(new ProbeContext(new FakeBackbone(embeddings, manager), method, stage, examples, vocabulary, manager, options));
    }

    private String error(List<Example> examples, Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> run(SPREAD, examples, options)).getMessage();
    }

    private static Example example(String id) {
        return new Example(id, "a b", List.of("c"), "d", Map.of());
    }

    private static ProbeTable table(ProbeReport report, String title) {
        return report.tables().stream().filter(t -> t.title().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + title + " in " + report.tables()));
    }

    private static void assertFinite(ProbeReport report) {
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

    /**
     * A method whose training pass gives, for each example, the latent steps set by hand in {@link #rows}; with
     * {@link #columns}, {@link LatentTrace#LATENT_COLUMNS} marks the steps a row lacks with -1 (and their latents are
     * filled with 7s, which must not be read), without it they are zeros.
     */
    static final class FakeMethod implements ReasoningMethod {
        final Map<String, List<float[]>> rows = new HashMap<>();
        final List<List<String>> batches = new ArrayList<>();
        final List<Map<String, Object>> settings = new ArrayList<>();
        boolean columns = true;
        boolean nullLatents;

        @Override
        public Set<Capability> provides() {
            return Set.of(Capability.LATENT_STEPS);
        }

        @Override
        public Curriculum curriculum(Map<String, Object> options, int epochs) {
            return Curriculum.single(epochs, options);
        }

        @Override
        public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
            batches.add(batch.examples().stream().map(Example::id).toList());
            settings.add(stage.settings());
            if (nullLatents) {
                return new LatentTrace(null, null, null, Map.of(), 0);
            }
            int steps = batch.examples().stream().mapToInt(e -> rows.get(e.id()).size()).max().orElse(0);
            steps = Math.max(steps, 1);
            int d = model.config().dModel();
            float[] data = new float[batch.size() * steps * d];
            int[] cols = new int[batch.size() * steps];
            for (int b = 0; b < batch.size(); b++) {
                List<float[]> example = rows.get(batch.examples().get(b).id());
                for (int t = 0; t < steps; t++) {
                    if (t < example.size()) {
                        System.arraycopy(example.get(t), 0, data, (b * steps + t) * d, d);
                        cols[b * steps + t] = 10 + t;
                    } else {
                        cols[b * steps + t] = -1;
                        if (columns) {
                            Arrays.fill(data, (b * steps + t) * d, (b * steps + t + 1) * d, 7f);
                        }
                    }
                }
            }
            NDArray latents = batch.manager().create(data, new Shape(batch.size(), steps, d));
            Map<String, NDArray> extras = columns
                    ? Map.of(LatentTrace.LATENT_COLUMNS, batch.manager().create(cols, new Shape(batch.size(), steps)))
                    : Map.of();
            return new LatentTrace(null, null, latents, extras, 0);
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException("the fake method only runs training passes");
        }
    }

    /** A backbone that only embeds tokens, by the rows given (one per id of its vocabulary). */
    static final class FakeBackbone implements Backbone {
        private final float[][] table;
        private final NDManager manager;
        private final BackboneConfig config;

        FakeBackbone(float[][] table, NDManager manager) {
            this.table = table;
            this.manager = manager;
            this.config = new BackboneConfig(table.length, table[0].length, 1, 1, 16);
        }

        @Override
        public BackboneConfig config() {
            return config;
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public NDArray embed(NDArray tokenIds) {
            int[] ids = tokenIds.toType(DataType.INT32, false).toIntArray();
            int d = config.dModel();
            float[] out = new float[ids.length * d];
            for (int i = 0; i < ids.length; i++) {
                assertTrue(ids[i] >= 0 && ids[i] < table.length, "id " + ids[i]);
                System.arraycopy(table[ids[i]], 0, out, i * d, d);
            }
            long[] shape = Arrays.copyOf(tokenIds.getShape().getShape(), tokenIds.getShape().dimension() + 1);
            shape[shape.length - 1] = d;
            return tokenIds.getManager().create(out, new Shape(shape));
        }

        @Override
        public Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Forward forward(NDArray inputEmbeddings, NDArray positions, NDArray keyMask, KvCache cache, Taps taps) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NDArray lmHead(NDArray hidden) {
            throw new UnsupportedOperationException();
        }

        @Override
        public NDArray finalNorm(NDArray residual) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copyEmbedding(int from, int token) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KvCache newCache() {
            throw new UnsupportedOperationException();
        }

        @Override
        public NDArray addParameter(String name, ai.djl.ndarray.types.Shape shape, float[] initial) {
            throw new UnsupportedOperationException("not needed by this test");
        }

        @Override
        public Map<String, NDArray> parameters() {
            return Map.of();
        }

        @Override
        public long parameterCount() {
            return 0;
        }

        @Override
        public void save(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void load(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
