package org.latentlab.probe.superposition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

class SuperpositionProbeTest {

    static final double LN2 = Math.log(2);
    static final double LN10 = Math.log(10);

    /** MNNS digits 3 1: after 3 the sums ±3, after 1 the sums ±4 and ±2; the best path + - writes 3, 2. */
    static final Example THREE_ONE = mnns("31", "3 1", List.of("3", "2"),
            List.of(Map.of("-3", 0.5, "3", 0.5), Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25)));
    /** MNNS digit 3 alone: one step. */
    static final Example THREE = mnns("3", "3", List.of("3"), List.of(Map.of("-3", 0.5, "3", 0.5)));

    private final SuperpositionProbe probe = new SuperpositionProbe();
    /** Every partial sum of 3 1, and 5 and 7, which no sign path of 3 1 reaches. */
    private final Vocabulary vocabulary = Vocabulary.build(List.of(), List.of("3 1 -3 -4 -2 2 4 5 7"));
    private final CurriculumStage stage = new CurriculumStage(1, "continuous", 3, Map.of("feedback", "teacher", "latentSteps", 2));

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
    void aModelThatPredictsTheIdealHasFullReachableMassAndNoDivergence() {
        method.rows.put("31", List.of(row(Map.of("-3", 0.5, "3", 0.5)), row(Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25))));
        ProbeReport report = run(List.of(THREE_ONE), Map.of());
        Map<String, Double> s = report.scalars();
        assertEquals("superposition", report.probe());
        assertEquals(1.0, s.get("examples"));
        assertEquals(2.0, s.get("steps"), "two latent steps read");
        for (int t = 1; t <= 2; t++) {
            String p = "step" + t + ".";
            int paths = t == 1 ? 2 : 4;
            assertEquals(1.0, s.get(p + "examples"));
            assertEquals(1.0, s.get(p + "reachableMass"), 1e-12, p);
            assertEquals(0.0, s.get(p + "kl"), 1e-12, p);
            assertEquals(0.0, s.get(p + "missingMass"), p);
            assertEquals(Math.log(paths), s.get(p + "entropy"), 1e-12, p + " ln of the number of equally weighted sums");
            assertEquals(Math.log(paths), s.get(p + "idealEntropy"), 1e-12, p);
            assertEquals((double) paths, s.get(p + "pathsAboveThreshold"), p);
            assertEquals((double) paths, s.get(p + "reachableAboveThreshold"), p);
            assertEquals((double) paths, s.get(p + "idealPathsAboveThreshold"), p);
            assertEquals(1.0 / paths, s.get(p + "writtenStepMass"), 1e-12, p + " the written sum is one of the paths");
            assertEquals(1.0 / paths, s.get(p + "idealWrittenStepMass"), 1e-12, p);
        }
        assertEquals(1.0, s.get("reachableMass"), 1e-12);
        assertEquals(0.0, s.get("kl"), 1e-12);

        ProbeTable table = table(report, "Superposition per latent step");
        assertEquals(List.of("step", "examples", "reachableMass", "writtenStepMass", "paths>thr (model)", "reachable>thr",
                "paths>thr (ideal)", "entropy", "ideal entropy", "KL"), table.columns());
        assertEquals(2, table.rows().size());
        assertRow(List.of(1, 1, 1.0, 0.5, 2.0, 2.0, 2.0, LN2, LN2, 0.0), table.rows().get(0));
        assertRow(List.of(2, 1, 1.0, 0.25, 4.0, 4.0, 4.0, 2 * LN2, 2 * LN2, 0.0), table.rows().get(1));
        assertEquals(List.of(List.of("examples", 1), List.of("threshold", 0.05), List.of("methodOptions", "{}")), table(report, "options").rows());
        assertTablesHoldFiniteNumbersOrStrings(report);
    }

    @Test
    void aOneHotOnTheWrittenStepCarriesOnePath() {
        method.rows.put("31", List.of(row(Map.of("3", 1.0)), row(Map.of("2", 1.0))));
        Map<String, Double> s = run(List.of(THREE_ONE), Map.of()).scalars();
        assertEquals(1.0, s.get("step1.reachableMass"));
        assertEquals(1.0, s.get("step1.pathsAboveThreshold"));
        assertEquals(1.0, s.get("step1.reachableAboveThreshold"));
        assertEquals(2.0, s.get("step1.idealPathsAboveThreshold"));
        assertEquals(0.0, s.get("step1.entropy"));
        assertEquals(LN2, s.get("step1.idealEntropy"), 1e-12);
        assertEquals(1.0, s.get("step1.writtenStepMass"));
        // KL(ideal || model): 0.5 ln(0.5 / 1) on 3, 0.5 ln(0.5 / 1e-12) on -3, where the model puts nothing
        assertEquals(-LN2 + 6 * LN10, s.get("step1.kl"), 1e-9);
        // 0.25 ln 0.25 on 2, 3 x 0.25 ln(0.25 / 1e-12) on -4, -2, 4
        assertEquals(-2 * LN2 + 9 * LN10, s.get("step2.kl"), 1e-9);
        assertEquals(1.0, s.get("step2.pathsAboveThreshold"));
        assertEquals(4.0, s.get("step2.idealPathsAboveThreshold"));
        assertEquals(((-LN2 + 6 * LN10) + (-2 * LN2 + 9 * LN10)) / 2, s.get("kl"), 1e-9, "the mean over the steps read");
        assertEquals(1.0, s.get("writtenStepMass"));
    }

    @Test
    void massOnAnUnreachableWordLowersReachableMassByThatMass() {
        for (double m : new double[] {0.1, 0.2, 0.5}) {
            float keep = (float) (1 - m);
            method.rows.put("31", List.of(row(Map.of("-3", keep / 2.0, "3", keep / 2.0, "5", m)),
                    row(Map.of("-4", keep / 4.0, "-2", keep / 4.0, "2", keep / 4.0, "4", keep / 4.0, "7", m))));
            Map<String, Double> s = run(List.of(THREE_ONE), Map.of()).scalars();
            assertEquals(1 - m, s.get("step1.reachableMass"), 1e-6, "m = " + m);
            assertEquals(1 - m, s.get("step2.reachableMass"), 1e-6, "m = " + m);
            assertEquals(1 - m, s.get("reachableMass"), 1e-6, "m = " + m);
            assertEquals(3.0, s.get("step1.pathsAboveThreshold"), "m = " + m);
            assertEquals(2.0, s.get("step1.reachableAboveThreshold"), "the unreachable word is a path but not a reachable one");
            assertEquals(0.0, s.get("step1.missingMass"), "the vocabulary has every sum");
        }
        // half the mass spread over two unreachable words: the model's distribution is the ideal's spread over twice the support
        method.rows.put("31", List.of(row(Map.of("-3", 0.25, "3", 0.25, "5", 0.25, "7", 0.25)), row(Map.of("2", 1.0))));
        Map<String, Double> s = run(List.of(THREE_ONE), Map.of("threshold", 0.3)).scalars();
        assertEquals(0.5, s.get("step1.reachableMass"));
        assertEquals(LN2, s.get("step1.kl"), 1e-12, "KL(ideal || model) = 2 x 0.5 ln(0.5 / 0.25)");
        assertEquals(2 * LN2, s.get("step1.entropy"), 1e-12);
        assertEquals(0.0, s.get("step1.pathsAboveThreshold"), "nothing above 0.3");
        assertEquals(2.0, s.get("step1.idealPathsAboveThreshold"));
        assertEquals(0.0, s.get("step2.idealPathsAboveThreshold"), "0.25 is not above 0.3");
    }

    @Test
    void idealWordsTheVocabularyLacksAreMassLost() {
        Example gap = mnns("gap", "3", List.of("3"), List.of(Map.of("3", 0.5, "-3", 0.25, "99", 0.25)));
        method.rows.put("gap", List.of(row(Map.of("3", 0.5, "-3", 0.25, "5", 0.25))));
        Map<String, Double> s = run(List.of(gap), Map.of()).scalars();
        assertEquals(0.25, s.get("step1.missingMass"));
        assertEquals(0.25, s.get("missingMass"));
        assertEquals(0.75, s.get("step1.reachableMass"), "only words the vocabulary has are reachable by the model");
        assertEquals(3.0, s.get("step1.idealPathsAboveThreshold"), "the ideal's paths are the dataset's, the vocabulary's or not");
        assertEquals(1.5 * LN2, s.get("step1.idealEntropy"), 1e-12);
        assertEquals(2.0, s.get("step1.reachableAboveThreshold"));
        assertEquals(0.25 * (-2 * LN2 + 12 * LN10), s.get("step1.kl"), 1e-9, "the missing word enters with model probability 0");
    }

    @Test
    void onlyStepsAnExampleHasAreAveraged() {
        Example plain = new Example("plain", "3 1", List.of("3", "2"), "2", Map.of());
        Example longer = mnns("longer", "3", List.of("3"), List.of(Map.of("-3", 0.5, "3", 0.5)));
        Example phrase = mnns("phrase", "3", List.of("3 then"), List.of(Map.of("-3", 0.5, "3", 0.5)));
        method.rows.put("31", List.of(row(Map.of("3", 1.0)), row(Map.of("2", 1.0))));
        method.rows.put("3", List.of(row(Map.of("-3", 0.5, "3", 0.5))));
        method.rows.put("longer", List.of(row(Map.of("3", 1.0)), row(Map.of("5", 1.0))));
        method.rows.put("phrase", List.of(row(Map.of("3", 1.0))));
        ProbeReport report = run(List.of(THREE_ONE, plain, THREE, longer, phrase), Map.of());
        assertEquals(List.of(List.of("31", "3", "longer", "phrase")), method.batches, "an example without step distributions is not run");
        Map<String, Double> s = report.scalars();
        assertEquals(4.0, s.get("examples"));
        assertEquals(4.0, s.get("step1.examples"));
        assertEquals(1.0, s.get("step2.examples"), "3 has a zero row at step 2, longer has no distribution for it");
        assertEquals(5.0, s.get("steps"));
        assertEquals((1 + 0.5 + 1) / 3, s.get("step1.writtenStepMass"), 1e-12, "a step of several words has no single word to read");
        assertEquals(0.75 * LN2, s.get("step1.idealEntropy") - s.get("step1.entropy"), 1e-12);
        assertEquals(List.of(1, 4), table(report, "Superposition per latent step").rows().get(0).subList(0, 2));
        assertEquals(List.of(2, 1), table(report, "Superposition per latent step").rows().get(1).subList(0, 2));
    }

    @Test
    void theFiguresAreTheTableAgainstTheStepAndTheIdealWrittenStepFromTheScalars() {
        // "short" writes only its first step, so no example writes step 2 as a word there: its written-step cells are empty
        Example shortOne = mnns("short", "3 1", List.of("3"),
                List.of(Map.of("-3", 0.5, "3", 0.5), Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25)));
        method.rows.put("short", List.of(row(Map.of("3", 0.7, "-3", 0.2, "5", 0.1)), row(Map.of("2", 0.4, "4", 0.3, "7", 0.3))));
        method.rows.put("3", List.of(row(Map.of("-3", 0.5, "3", 0.5))));
        ProbeReport report = run(List.of(shortOne, THREE), Map.of());
        ProbeTable table = table(report, "Superposition per latent step");
        assertEquals(2, table.rows().size());
        assertEquals("", table.rows().get(1).get(3), "no written step at step 2");

        List<Figure> figures = probe.figures(report);
        assertEquals(List.of("entropy", "mass"), figures.stream().map(Figure::name).toList());
        for (Figure figure : figures) {
            assertEquals(Figure.Kind.LINE, figure.kind());
            assertEquals("latent step", figure.xLabel());
            assertTrue(figure.caption() != null && !figure.caption().isBlank());
        }
        Figure entropy = figures.get(0);
        assertEquals("nats", entropy.yLabel());
        assertEquals(List.of("model entropy", "ideal entropy", "KL(ideal || model)"), entropy.series().stream()
                .map(Figure.Series::label).toList());
        int[] natsColumns = {table.columns().indexOf("entropy"), table.columns().indexOf("ideal entropy"), table.columns().indexOf("KL")};
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(1.0, 2.0), entropy.series().get(i).x());
            assertEquals(column(table, natsColumns[i]), entropy.series().get(i).y(), entropy.series().get(i).label());
        }
        assertTrue(entropy.series().get(2).y().stream().allMatch(kl -> kl > 0), "the model is not the ideal");

        Figure mass = figures.get(1);
        assertEquals("probability", mass.yLabel());
        assertEquals(List.of("reachable words", "written step (model)", "written step (ideal)"), mass.series().stream()
                .map(Figure.Series::label).toList());
        assertEquals(List.of(1.0, 2.0), mass.series().get(0).x());
        assertEquals(column(table, table.columns().indexOf("reachableMass")), mass.series().get(0).y());
        assertEquals(List.of(1.0), mass.series().get(1).x(), "the empty cell of step 2 is left out");
        assertEquals(List.of((Double) table.rows().get(0).get(3)), mass.series().get(1).y());
        assertEquals(List.of(1.0), mass.series().get(2).x());
        assertEquals(List.of(report.scalars().get("step1.idealWrittenStepMass")), mass.series().get(2).y());
    }

    @Test
    void readsTheFirstExamplesInBatchesAndFreesWhatItAllocates() {
        List<Example> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(mnns("e" + i, "3", List.of("3"), List.of(Map.of("-3", 0.5, "3", 0.5))));
            method.rows.put("e" + i, List.of(row(Map.of("3", 1.0))));
        }
        try (NDManager scope = manager.newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(null, method, stage, many, vocabulary, scope, Map.of("examples", 18)));
            assertEquals(18.0, report.scalars().get("examples"));
            assertEquals(18.0, report.scalars().get("step1.examples"));
            assertEquals(List.of(16, 2), method.batches.stream().map(List::size).toList());
            assertEquals("e17", method.batches.get(1).get(1));
            assertTrue(scope.getManagedArrays().isEmpty(), "the probe leaves no arrays in the manager it was given");
        }
    }

    @Test
    void methodOptionsAreLaidOverTheStageTheMethodSees() {
        method.rows.put("31", List.of(row(Map.of("3", 1.0)), row(Map.of("2", 1.0))));
        run(List.of(THREE_ONE), Map.of());
        assertSame(stage, method.stages.get(0), "without methodOptions the probe's stage");

        Map<String, Object> overrides = new HashMap<>();
        overrides.put("feedback", "model");
        overrides.put("latentSteps", null);
        overrides.put("temperature", 0.5);
        ProbeReport report = run(List.of(THREE_ONE), Map.of("methodOptions", overrides));
        CurriculumStage seen = method.stages.get(1);
        assertEquals(Map.of("feedback", "model", "temperature", 0.5), seen.settings(), "replaced, removed by null, added");
        assertEquals(List.of(1, "continuous", 3), List.of(seen.index(), seen.name(), seen.epochs()));
        assertEquals(Map.of("feedback", "teacher", "latentSteps", 2), stage.settings(), "the probe's own stage is untouched");
        assertTrue(((String) table(report, "options").rows().get(2).get(1)).contains("feedback=model"));
    }

    @Test
    void aMethodWithoutStepProbabilitiesIsRefusedInOneSentence() {
        method.rows.put("31", List.of(row(Map.of("3", 1.0))));
        method.give = false;
        assertEquals("This method gives no step probabilities (LatentTrace.STEP_PROBABILITIES); the superposition probe needs a method"
                + " whose latent steps mix token embeddings, such as cot2.", error(List.of(THREE_ONE), Map.of()));
        method.give = true;
        assertEquals("The superposition probe compares each latent step with the example's ideal distribution (Example.STEP_DISTRIBUTIONS),"
                + " and none of the examples of this run has one.", error(List.of(new Example("plain", "3", List.of("3"), "3", Map.of())), Map.of()));
        assertEquals("The example 'bad' has step distributions (Example.STEP_DISTRIBUTIONS) that are not a list of maps from word to"
                + " non-negative weight.", error(List.of(new Example("bad", "3", List.of("3"), "3",
                Map.of(Example.STEP_DISTRIBUTIONS, List.of(Map.of("3", "half"))))), Map.of()));
    }

    @Test
    void badOptionsAreOneSentenceNamingTheOption() {
        Map<Map<String, Object>, String> bad = new LinkedHashMap<>();
        bad.put(Map.of("examples", 0), "The superposition probe's option 'examples' must be a whole number of at least 1, not 0.");
        bad.put(Map.of("examples", 2.5), "The superposition probe's option 'examples' must be a whole number of at least 1, not 2.5.");
        bad.put(Map.of("examples", "all"), "The superposition probe's option 'examples' must be a whole number of at least 1, not all.");
        for (Object threshold : List.of(0, 1, 1.5, -0.1, "low", Double.NaN)) {
            bad.put(Map.of("threshold", threshold),
                    "The superposition probe's option 'threshold' must be a probability strictly between 0 and 1, not " + threshold + ".");
        }
        for (Object value : List.of("feedback=model", List.of("feedback"), 3)) {
            bad.put(Map.of("methodOptions", value), "The superposition probe's option 'methodOptions' must be an object of method settings to"
                    + " lay over the stage's, such as {\"feedback\": \"model\"}, not " + value + ".");
        }
        bad.put(Map.of("topK", 3), "The superposition probe has no option 'topK'; its options are examples, methodOptions, threshold.");
        method.rows.put("31", List.of(row(Map.of("3", 1.0))));
        bad.forEach((options, message) -> {
            assertEquals(message, assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(options)).getMessage());
            assertEquals(message, error(List.of(THREE_ONE), options), "run checks as checkOptions does");
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        });
        probe.checkOptions(Map.of("examples", 1, "threshold", 0.5, "methodOptions", Map.of("feedback", "model")));
        probe.checkOptions(Map.of("examples", 100.0));
        assertEquals(Set.of("examples", "threshold", "methodOptions"), probe.options());
        assertEquals(Set.of(Capability.LATENT_STEPS), probe.requires());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private ProbeReport run(List<Example> examples, Map<String, Object> options) {
        return probe.run(new ProbeContext(null, method, stage, examples, vocabulary, manager, options));
    }

    private String error(List<Example> examples, Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> run(examples, options)).getMessage();
    }

    /** A distribution over the vocabulary with the given words' probabilities, zero elsewhere. */
    private float[] row(Map<String, Double> probabilities) {
        float[] out = new float[vocabulary.size()];
        probabilities.forEach((word, p) -> {
            assertTrue(vocabulary.contains(word), word);
            out[vocabulary.id(word)] = (float) (double) p;
        });
        return out;
    }

    private static Example mnns(String id, String question, List<String> steps, List<Map<String, Double>> distributions) {
        return new Example(id, question, steps, steps.get(steps.size() - 1), Map.of(Example.STEP_DISTRIBUTIONS, distributions));
    }

    /** The column's numbers, row by row. */
    private static List<Double> column(ProbeTable table, int column) {
        assertTrue(column >= 0);
        return table.rows().stream().map(row -> ((Number) row.get(column)).doubleValue()).toList();
    }

    private static ProbeTable table(ProbeReport report, String title) {
        return report.tables().stream().filter(t -> t.title().equals(title)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + title + " in " + report.tables()));
    }

    private static void assertRow(List<Object> expected, List<Object> row) {
        assertEquals(expected.size(), row.size());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) instanceof Double d) {
                assertEquals(d, ((Number) row.get(i)).doubleValue(), 1e-12, "column " + i + " of " + row);
            } else {
                assertEquals(expected.get(i), row.get(i), "column " + i + " of " + row);
            }
        }
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

    /**
     * A method whose training pass gives, for each example, the step distributions set by hand in {@link #rows} (one
     * row per latent step; rows of an example with fewer steps than the batch's longest are zeros), and records the
     * stages and batches it was run with.
     */
    static final class FakeMethod implements ReasoningMethod {
        final Map<String, List<float[]>> rows = new HashMap<>();
        final List<CurriculumStage> stages = new ArrayList<>();
        final List<List<String>> batches = new ArrayList<>();
        boolean give = true;

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
            stages.add(stage);
            batches.add(batch.examples().stream().map(Example::id).toList());
            int steps = batch.examples().stream().mapToInt(e -> rows.get(e.id()).size()).max().orElse(0);
            int size = batch.vocabulary().size();
            float[] data = new float[batch.size() * steps * size];
            for (int b = 0; b < batch.size(); b++) {
                List<float[]> example = rows.get(batch.examples().get(b).id());
                for (int t = 0; t < example.size(); t++) {
                    System.arraycopy(example.get(t), 0, data, (b * steps + t) * size, size);
                }
            }
            NDArray latents = batch.manager().zeros(new Shape(batch.size(), steps, 4));
            Map<String, NDArray> extras = give
                    ? Map.of(LatentTrace.STEP_PROBABILITIES, batch.manager().create(data, new Shape(batch.size(), steps, size)))
                    : Map.of();
            return new LatentTrace(null, null, latents, extras, 0);
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException("the fake method only runs training passes");
        }
    }
}
