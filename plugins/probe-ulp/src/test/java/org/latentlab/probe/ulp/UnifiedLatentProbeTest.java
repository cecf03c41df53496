package org.latentlab.probe.ulp;

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
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

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

class UnifiedLatentProbeTest {

    /**
     * K = 6 step texts, "x is a" to "z is b": each three words and the end token, drawn uniformly, so H(S) = ln 6 nats per
     * step; the first word alone carries ln 3 of it.
     */
    static final List<String> STEPS = List.of("x is a", "x is b", "y is a", "y is b", "z is a", "z is b");
    static final double LN_K = Math.log(STEPS.size());
    static final int WIDTH = 8;
    /** Small sizes that keep each run to a few seconds. */
    static final Map<String, Object> FAST = Map.of("epochs", 25, "hidden", 32, "batchSize", 32);

    private final Vocabulary vocabulary = Vocabulary.build(List.of(), STEPS);
    private final CurriculumStage stage = new CurriculumStage(1, "continuous", 3, Map.of("latentSteps", 2));
    private final UnifiedLatentProbe probe = new UnifiedLatentProbe();
    /** A fixed random code of width {@value #WIDTH} for each step text, and one for each first word. */
    private final float[][] codes = new float[STEPS.size()][];
    private final Random random = new Random(11);
    private NDManager manager;
    private FakeMethod method;
    private FakeBackbone backbone;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager();
        method = new FakeMethod();
        backbone = new FakeBackbone(manager);
        for (int k = 0; k < codes.length; k++) {
            codes[k] = gaussian(1);
        }
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void latentsThatEncodeTheirStepBoundTheInformationNearTheStepsEntropy() {
        // thoughtsPerStep 2: both latents stand for step 0, each with its own noise; every fifth row lacks its second latent
        List<Example> examples = examples(160, (id, k, row) -> {
            List<Latent> latents = new ArrayList<>(List.of(new Latent(noisy(codes[k], 0.1), 0)));
            latents.add(row % 5 == 0 ? new Latent(gaussian(1), -1) : new Latent(noisy(codes[k], 0.1), 0));
            return latents;
        });
        ProbeReport report = run(examples, FAST);
        Map<String, Double> s = report.scalars();
        assertEquals("ulp", report.probe());
        assertEquals(160.0, s.get("examples"));
        assertEquals(160.0 + 128.0, s.get("latents"), "latents standing for no step (-1) are not read");
        assertEquals(128.0, s.get("latents.step2"));
        for (int t = 1; t <= 2; t++) {
            double h = s.get("entropy.step" + t);
            double info = s.get("info.step" + t);
            assertEquals(LN_K, h, 0.12 * LN_K, "the unconditional decoder estimates H(S) = ln 6 at step " + t);
            assertTrue(info >= 0.8 * LN_K, "a latent that names its step bounds I near H(S) = ln 6 at step " + t + ": " + info);
            assertEquals(h - s.get("lInfo.step" + t), info, 1e-9, "I = H - L_info");
            assertTrue(s.get("lInfo.step" + t) < 0.2 * LN_K, "the step is decoded almost surely: " + s.get("lInfo.step" + t));
            assertTrue(s.get("info.step" + t + ".ci95") >= 0, "three seeds give an interval");
        }
        assertEquals((s.get("info.step1") + s.get("info.step2")) / 2, s.get("info.mean"), 1e-9);

        ProbeTable table = table(report, "Information per latent step");
        assertEquals(List.of("step", "latents", "H", "L_info", "I", "I low", "I high"), table.columns());
        assertEquals(2, table.rows().size());
        List<Object> first = table.rows().get(0);
        assertEquals(List.of(1, 160), first.subList(0, 2));
        assertEquals(s.get("info.step1"), (Double) first.get(4), 1e-12);
        assertEquals(s.get("info.step1") - s.get("info.step1.ci95"), (Double) first.get(5), 1e-12);
        assertEquals(s.get("info.step1") + s.get("info.step1.ci95"), (Double) first.get(6), 1e-12);
        assertFinite(report);
    }

    @Test
    void latentsIndependentOfTheStepCarryNoInformation() {
        List<Example> examples = examples(160, (id, k, row) -> List.of(new Latent(gaussian(1), 0)));
        Map<String, Double> s = run(examples, FAST).scalars();
        assertEquals(LN_K, s.get("entropy.step1"), 0.12 * LN_K);
        assertTrue(Math.abs(s.get("info.step1")) < 0.15 * LN_K, "random latents say nothing of the step: I = " + s.get("info.step1"));
    }

    @Test
    void aLatentThatNamesOnlyTheFirstWordLiesBetween() {
        // the latent knows x, y or z (ln 3 nats) but not a or b (ln 2 more)
        List<Example> examples = examples(160, (id, k, row) -> List.of(new Latent(noisy(codes[k / 2], 0.1), 0)));
        Map<String, Double> s = run(examples, FAST).scalars();
        double info = s.get("info.step1");
        assertEquals(Math.log(3), info, 0.2 * Math.log(3), "I is about ln 3 of H = ln 6: " + info);
        assertEquals(Math.log(2), s.get("lInfo.step1"), 0.25 * Math.log(2), "what remains is a or b");
    }

    @Test
    void theTrainedModelGetsNoGradientAndIsNotChangedAndNothingIsLeftAllocated() {
        List<Example> examples = examples(40, (id, k, row) -> List.of(new Latent(noisy(codes[k], 0.1), 0)));
        float[] before = backbone.weight.toFloatArray();
        JniUtils.setGradMode(false); // as the platform calls a probe: engine.withoutGradients
        try (NDManager scope = manager.newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(backbone, method, stage, examples, vocabulary, scope,
                    Map.of("epochs", 3, "hidden", 8, "seeds", 2)));
            assertTrue(report.scalars().containsKey("info.step1"));
            assertTrue(scope.getManagedArrays().isEmpty(), "the probe leaves no arrays in the manager it was given");
        }
        assertFalse(JniUtils.isGradMode(), "gradient recording is off again once the probe returns");
        assertArrayEquals(before, backbone.weight.toFloatArray(), "the model's weight is unchanged");
        assertArrayEquals(new float[WIDTH], backbone.weight.getGradient().toFloatArray(), "the model's weight got no gradient");
        assertEquals(List.of(16, 16, 8), method.batches.stream().map(List::size).toList(), "forty examples in batches of 16");
    }

    @Test
    void examplesAndMethodOptionsChooseWhatIsProbed() {
        List<Example> examples = examples(50, (id, k, row) -> List.of(new Latent(noisy(codes[k], 0.1), 0)));
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("feedback", "model");
        overrides.put("latentSteps", null);
        Map<String, Object> options = new HashMap<>(Map.of("examples", 20, "epochs", 2, "hidden", 8, "seeds", 1));
        options.put("methodOptions", overrides);
        ProbeReport report = run(examples, options);
        assertEquals(20.0, report.scalars().get("latents.step1"), "the first 20 examples");
        assertFalse(report.scalars().containsKey("info.step1.ci95"), "one seed gives no interval");
        assertEquals(List.of(1, 20, "", ""), List.of(table(report, "Information per latent step").rows().get(0).get(0),
                table(report, "Information per latent step").rows().get(0).get(1), table(report, "Information per latent step").rows().get(0).get(5),
                table(report, "Information per latent step").rows().get(0).get(6)));
        assertEquals(Map.of("feedback", "model"), method.settings.get(0), "a setting replaced or added, a null one removed");
        assertTrue(table(report, "options").rows().contains(List.of("examples", 20)));
    }

    @Test
    void aMethodWithoutAlignedStepsOrLatentsIsOneSentence() {
        List<Example> examples = examples(8, (id, k, row) -> List.of(new Latent(gaussian(1), 0)));
        method.stepIndex = false;
        assertEquals("This method gives no step index (LatentTrace.STEP_INDEX); the ulp probe needs a method whose latent steps name the"
                + " explicit steps they stand for (ALIGNED_STEPS).", error(examples, Map.of()));
        method.stepIndex = true;
        method.nullLatents = true;
        assertTrue(error(examples, Map.of()).startsWith("This method gives no latent steps"));
        method.nullLatents = false;
        List<Example> none = examples(8, (id, k, row) -> List.of(new Latent(gaussian(1), -1)));
        assertEquals("No latent step stands for an explicit step of the examples probed; the ulp probe has nothing to decode.",
                error(none, Map.of()));
        assertEquals(Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS), probe.requires());
    }

    @Test
    void badOptionsAreOneSentenceNamingTheOption() {
        Map<Map<String, Object>, String> bad = new LinkedHashMap<>();
        for (String name : List.of("examples", "seeds", "epochs", "batchSize", "hidden")) {
            for (Object value : List.of(0, 2.5, "many")) {
                bad.put(Map.of(name, value), "The ulp probe's option '" + name + "' must be a whole number of at least 1, not " + value + ".");
            }
        }
        for (Object value : List.of(0, 1, -0.2, Double.NaN, "some")) {
            bad.put(Map.of("heldOut", value), "The ulp probe's option 'heldOut' must be a number between 0 and 1 (the share of latents held"
                    + " out of training), not " + value + ".");
        }
        for (Object value : List.of(0, -0.01, Double.POSITIVE_INFINITY, "fast")) {
            bad.put(Map.of("learningRate", value), "The ulp probe's option 'learningRate' must be a positive number, not " + value + ".");
        }
        bad.put(Map.of("seed", 1.5), "The ulp probe's option 'seed' must be a whole number, not 1.5.");
        bad.put(Map.of("methodOptions", 3), "The ulp probe's option 'methodOptions' must be an object of method settings to lay over the"
                + " stage's, such as {\"feedback\": \"model\"}, not 3.");
        bad.put(Map.of("layers", 2), "The ulp probe has no option 'layers'; its options are batchSize, epochs, examples, heldOut, hidden,"
                + " learningRate, methodOptions, seed, seeds.");
        List<Example> examples = examples(8, (id, k, row) -> List.of(new Latent(gaussian(1), 0)));
        bad.forEach((options, message) -> {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(options)).getMessage());
            assertEquals(message, error(examples, options), "run checks as checkOptions does");
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        });
        assertTrue(method.batches.isEmpty(), "a bad option is refused before the method runs");
        probe.checkOptions(Map.of());
        probe.checkOptions(Map.of("examples", 10, "seeds", 5.0, "epochs", 1, "batchSize", 8, "hidden", 16, "heldOut", 0.5,
                "learningRate", 0.001, "seed", -4, "methodOptions", Map.of("feedback", "model")));
        assertEquals(Set.of("examples", "seeds", "epochs", "batchSize", "hidden", "heldOut", "learningRate", "seed", "methodOptions"),
                probe.options());
    }

    @Test
    void theConfidenceIntervalIsStudentsT() {
        ConfidenceInterval c = ConfidenceInterval.of(new double[] {1, 2, 3});
        assertEquals(2.0, c.mean(), 1e-12);
        // s = 1, t(0.975, 2) = 4.302653
        assertEquals(4.302653 / Math.sqrt(3), c.halfWidth(), 1e-6);
        assertEquals(2.0, ConfidenceInterval.of(new double[] {2}).mean());
        assertTrue(Double.isNaN(ConfidenceInterval.of(new double[] {2}).halfWidth()));
        assertEquals(2.0423, ConfidenceInterval.quantile975(30), 1e-3);
        assertEquals(2.0211, ConfidenceInterval.quantile975(40), 1e-3);
        assertEquals(1.9799, ConfidenceInterval.quantile975(120), 1e-3);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One latent a fake method gives: its vector and the index of the explicit step it stands for. */
    record Latent(float[] vector, int stepIndex) {
    }

    @FunctionalInterface
    interface Latents {
        /** The latents of example {@code id}, number {@code row}, whose step 0 is {@code STEPS.get(k)}. */
        List<Latent> of(String id, int k, int row);
    }

    /** {@code n} examples whose single step is drawn uniformly from {@link #STEPS}, with the latents {@code latents} gives. */
    private List<Example> examples(int n, Latents latents) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(STEPS.size());
            String id = "e" + i;
            out.add(new Example(id, "q", List.of(STEPS.get(k)), "a", Map.of()));
            method.rows.put(id, latents.of(id, k, i));
        }
        return out;
    }

    private float[] gaussian(double deviation) {
        float[] v = new float[WIDTH];
        for (int j = 0; j < WIDTH; j++) {
            v[j] = (float) (random.nextGaussian() * deviation);
        }
        return v;
    }

    private float[] noisy(float[] code, double deviation) {
        float[] v = gaussian(deviation);
        for (int j = 0; j < WIDTH; j++) {
            v[j] += code[j];
        }
        return v;
    }

    private ProbeReport run(List<Example> examples, Map<String, Object> options) {
        try (NDManager scope = manager.newSubManager()) {
            return probe.run(new ProbeContext(backbone, method, stage, examples, vocabulary, scope, options));
        }
    }

    private String error(List<Example> examples, Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> run(examples, options)).getMessage();
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
            }
        }
    }

    /**
     * A method whose training pass gives, for each example, the latents set by hand in {@link #rows}, each multiplied by
     * the backbone's weight (all ones, recording gradients) so that the latents come out of the model as a real method's
     * do; rows with fewer latents than the batch's longest are padded with 7s and step index -1.
     */
    static final class FakeMethod implements ReasoningMethod {
        final Map<String, List<Latent>> rows = new HashMap<>();
        final List<List<String>> batches = new ArrayList<>();
        final List<Map<String, Object>> settings = new ArrayList<>();
        boolean stepIndex = true;
        boolean nullLatents;

        @Override
        public Set<Capability> provides() {
            return Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS);
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
            int steps = Math.max(1, batch.examples().stream().mapToInt(e -> rows.get(e.id()).size()).max().orElse(0));
            int d = model.config().dModel();
            float[] data = new float[batch.size() * steps * d];
            int[] index = new int[batch.size() * steps];
            for (int b = 0; b < batch.size(); b++) {
                List<Latent> example = rows.get(batch.examples().get(b).id());
                for (int t = 0; t < steps; t++) {
                    int at = b * steps + t;
                    if (t < example.size()) {
                        System.arraycopy(example.get(t).vector(), 0, data, at * d, d);
                        index[at] = example.get(t).stepIndex();
                    } else {
                        Arrays.fill(data, at * d, (at + 1) * d, 7f);
                        index[at] = -1;
                    }
                }
            }
            NDArray weight = ((FakeBackbone) model).weight;
            NDArray latents = batch.manager().create(data, new Shape(batch.size(), steps, d)).mul(weight);
            Map<String, NDArray> extras = stepIndex
                    ? Map.of(LatentTrace.STEP_INDEX, batch.manager().create(index, new Shape(batch.size(), steps)))
                    : Map.of();
            return new LatentTrace(null, null, latents, extras, 0);
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException("the fake method only runs training passes");
        }
    }

    /** A backbone of width {@value #WIDTH} with one trainable weight, all ones, which the fake method scales its latents by. */
    static final class FakeBackbone implements Backbone {
        final NDArray weight;
        private final NDManager manager;
        private final BackboneConfig config = new BackboneConfig(16, WIDTH, 1, 1, 16);

        FakeBackbone(NDManager manager) {
            this.manager = manager;
            this.weight = manager.ones(new Shape(WIDTH));
            weight.setRequiresGradient(true);
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
            throw new UnsupportedOperationException();
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
            return Map.of("weight", weight);
        }

        @Override
        public long parameterCount() {
            return WIDTH;
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
