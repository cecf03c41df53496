package org.latentlab.probe.intrinsicdimension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IntrinsicDimensionProbeTest {

    static final int D_MODEL = 16;
    static final int EXAMPLES = 160;

    private final IntrinsicDimensionProbe probe = new IntrinsicDimensionProbe();
    private final Vocabulary vocabulary = Vocabulary.build(List.of(), List.of("a b c"));
    private final CurriculumStage stage = new CurriculumStage(1, "continuous", 3, Map.of("latentSteps", 3));
    private final List<Example> examples = new ArrayList<>();

    private NDManager manager;
    private FakeMethod method;

    @BeforeEach
    void start() {
        manager = NDManager.newBaseManager();
        method = new FakeMethod();
        Random random = new Random(42);
        double[][][] planes = new double[3][][];
        for (int t = 0; t < 3; t++) {
            planes[t] = EstimatorsTest.orthonormal(random, 2, D_MODEL);
        }
        for (int i = 0; i < EXAMPLES; i++) {
            String id = "e" + i;
            examples.add(new Example(id, "a", List.of("b"), "c", Map.of()));
            // every fourth example has two latent steps; the rest three. Step t lies on its own 2-D plane.
            int steps = i % 4 == 0 ? 2 : 3;
            List<float[]> rows = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                rows.add(EstimatorsTest.embed(EstimatorsTest.cube(random, 1, 2), planes[t], random, 0)[0]);
            }
            method.rows.put(id, rows);
        }
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void findsTheDimensionOfTheLatentStepsPerStepAndPooled() {
        ProbeReport report = run(Map.of());
        Map<String, Double> s = report.scalars();
        assertEquals("intrinsic-dimension", report.probe());
        assertEquals(440.0, s.get("points"), "160 + 160 + 120 present steps; the absent ones, filled with noise, are skipped");
        assertEquals(160.0, s.get("step1.points"));
        assertEquals(160.0, s.get("step2.points"));
        assertEquals(120.0, s.get("step3.points"));
        assertEquals(0.0, s.get("duplicatesDropped"));
        assertTrue(s.get("twoNN") > 1.6 && s.get("twoNN") < 2.4, "pooled TwoNN " + s.get("twoNN"));
        for (int t = 1; t <= 3; t++) {
            double twoNN = s.get("step" + t + ".twoNN");
            double ratio = s.get("step" + t + ".participationRatio");
            assertTrue(twoNN > 1.5 && twoNN < 2.5, "step " + t + " TwoNN " + twoNN);
            assertTrue(ratio > 1.7 && ratio <= 2.0 + 1e-9, "step " + t + " participation ratio " + ratio);
        }
        assertTrue(s.get("participationRatio") > 2.0, "three planes pooled span more than one: " + s.get("participationRatio"));
        assertFalse(s.containsKey("step4.points"));
        assertEquals(List.of(List.of(16, 16, 16, 16, 16, 16, 16, 16, 16, 16)), List.of(method.batches));

        ProbeTable table = report.tables().get(0);
        assertEquals("Intrinsic dimension of the latent steps", table.title());
        assertEquals(List.of("step", "points", "TwoNN", "participation ratio"), table.columns());
        assertEquals(4, table.rows().size());
        assertEquals(List.of("all", 440, s.get("twoNN"), s.get("participationRatio")), table.rows().get(0));
        assertEquals(List.of(3, 120, s.get("step3.twoNN"), s.get("step3.participationRatio")), table.rows().get(3));
        s.forEach((name, value) -> assertTrue(Double.isFinite(value), name + " = " + value));
    }

    @Test
    void theFigureIsTheTableAgainstTheStepWithThePooledRowInTheCaption() {
        ProbeReport report = run(Map.of());
        List<List<Object>> rows = report.tables().get(0).rows();
        List<Figure> figures = probe.figures(report);
        assertEquals(1, figures.size());
        Figure figure = figures.get(0);
        assertEquals("by-step", figure.name());
        assertEquals(Figure.Kind.LINE, figure.kind());
        assertEquals("latent step", figure.xLabel());
        assertEquals(List.of("TwoNN", "participation ratio"), figure.series().stream().map(Figure.Series::label).toList());
        List<List<Object>> steps = rows.subList(1, rows.size());
        List<Double> x = steps.stream().map(row -> ((Number) row.get(0)).doubleValue()).toList();
        assertEquals(List.of(1.0, 2.0, 3.0), x, "the pooled row is no step");
        for (int s = 0; s < 2; s++) {
            int column = 2 + s;
            Figure.Series series = figure.series().get(s);
            assertEquals(x, series.x());
            assertEquals(steps.stream().map(row -> (Double) row.get(column)).toList(), series.y(), series.label());
        }
        assertTrue(figure.caption().endsWith("All steps pooled: TwoNN " + String.format(Locale.ROOT, "%.2f", rows.get(0).get(2))
                + ", participation ratio " + String.format(Locale.ROOT, "%.2f", rows.get(0).get(3)) + "."), figure.caption());

        // five examples: no step has enough points for an estimate, so there is nothing to draw against the step
        ProbeReport few = run(Map.of("examples", 5));
        assertTrue(few.scalars().containsKey("twoNN"));
        assertEquals(List.of(), probe.figures(few));
    }

    @Test
    void withoutLatentColumnsAZeroRowIsAnAbsentStep() {
        method.columns = false;
        Map<String, Double> s = run(Map.of()).scalars();
        assertEquals(440.0, s.get("points"));
        assertEquals(120.0, s.get("step3.points"));
        assertTrue(s.get("step3.twoNN") > 1.5 && s.get("step3.twoNN") < 2.5);
    }

    @Test
    void readsTheFirstExamplesInBatchesThinsForTwoNNAndFreesWhatItAllocates() {
        try (NDManager scope = manager.newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(null, method, stage, examples, vocabulary, scope,
                    Map.of("examples", 20, "maxPoints", 10)));
            Map<String, Double> s = report.scalars();
            assertEquals(List.of(16, 4), method.batches);
            assertEquals(20.0, s.get("step1.points"));
            assertEquals(15.0, s.get("step3.points"));
            assertEquals(55.0, s.get("points"));
            assertTrue(s.containsKey("twoNN") && s.containsKey("step3.twoNN"), "estimates from every k-th point: " + s);
            assertTrue(scope.getManagedArrays().isEmpty(), "the probe leaves no arrays in the manager it was given");
        }
        // five examples: too few points for a per-step estimate, still enough pooled
        Map<String, Double> s = run(Map.of("examples", 5)).scalars();
        assertEquals(5.0, s.get("step1.points"));
        assertFalse(s.containsKey("step1.twoNN"));
        assertFalse(s.containsKey("step1.participationRatio"));
        assertEquals(13.0, s.get("points"), "e0 and e4 have two steps, e1 to e3 three");
        assertTrue(s.containsKey("twoNN"));
    }

    @Test
    void aMethodWithoutLatentsIsRefusedInOneSentence() {
        method.latents = false;
        String message = assertThrows(IllegalArgumentException.class, () -> run(Map.of())).getMessage();
        assertEquals("This method gives no latent steps (LatentTrace.latents()); the intrinsic-dimension probe needs a method with continuous"
                + " reasoning steps, such as coconut or cot2.", message);
    }

    @Test
    void badOptionsAreOneSentenceNamingTheOption() {
        Map<Map<String, Object>, String> bad = new LinkedHashMap<>();
        for (Object value : List.of(0, -3, 2.5, "all")) {
            bad.put(Map.of("examples", value), "The intrinsic-dimension probe's option 'examples' must be a whole number of at least 1, not "
                    + value + ".");
        }
        for (Object value : List.of(9, 0, 100.5, "many")) {
            bad.put(Map.of("maxPoints", value), "The intrinsic-dimension probe's option 'maxPoints' must be a whole number of at least 10, not "
                    + value + ".");
        }
        bad.put(Map.of("k", 3), "The intrinsic-dimension probe has no option 'k'; its options are examples, maxPoints, methodOptions.");
        bad.forEach((options, message) -> {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(options)).getMessage());
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> run(options)).getMessage(), "run checks as checkOptions does");
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        });
        probe.checkOptions(Map.of("examples", 1, "maxPoints", 10));
        probe.checkOptions(Map.of("examples", 100.0));
        assertEquals(Set.of("examples", "maxPoints", "methodOptions"), probe.options());
        assertEquals(Set.of(Capability.LATENT_STEPS), probe.requires());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ProbeReport run(Map<String, Object> options) {
        return probe.run(new ProbeContext(null, method, stage, examples, vocabulary, manager, options));
    }

    /**
     * A method whose training pass gives, for each example, the latent steps set by hand in {@link #rows}. A row with
     * fewer steps than the batch's longest has -1 in its latent columns there and, when {@link #columns} is on, noise in
     * its latents (which the probe must skip), or zeros when it is off (and the method gives no latent columns).
     */
    static final class FakeMethod implements ReasoningMethod {
        final Map<String, List<float[]>> rows = new HashMap<>();
        final List<Integer> batches = new ArrayList<>();
        boolean columns = true;
        boolean latents = true;
        private final Random noise = new Random(1);

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
            batches.add(batch.size());
            int steps = batch.examples().stream().mapToInt(e -> rows.get(e.id()).size()).max().orElse(0);
            float[] data = new float[batch.size() * steps * D_MODEL];
            int[] cols = new int[batch.size() * steps];
            for (int b = 0; b < batch.size(); b++) {
                List<float[]> example = rows.get(batch.examples().get(b).id());
                for (int t = 0; t < steps; t++) {
                    int offset = (b * steps + t) * D_MODEL;
                    if (t < example.size()) {
                        System.arraycopy(example.get(t), 0, data, offset, D_MODEL);
                        cols[b * steps + t] = 5 + t;
                    } else {
                        cols[b * steps + t] = -1;
                        for (int j = 0; j < D_MODEL && columns; j++) {
                            data[offset + j] = (float) (100 * noise.nextGaussian());
                        }
                    }
                }
            }
            if (!latents) {
                return new LatentTrace(null, null, null, Map.of(), 0);
            }
            NDArray array = batch.manager().create(data, new Shape(batch.size(), steps, D_MODEL));
            Map<String, NDArray> extras = columns
                    ? Map.of(LatentTrace.LATENT_COLUMNS, batch.manager().create(cols, new Shape(batch.size(), steps)))
                    : Map.of();
            return new LatentTrace(null, null, array, extras, 0);
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException("the fake method only runs training passes");
        }
    }
}
