package org.latentlab.probe.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
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
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.probe.ProbeTable;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.model.GptBackboneFactory;

/**
 * The probe with the real Coconut method on a small untrained backbone, against G(t) taken by hand: Coconut unrolled one
 * example at a time with no cache and no padding, a zero leaf added to each thought where it is fed back, and autograd's
 * gradient of the example's own loss with respect to each leaf.
 */
class GradientProbeTest {

    /**
     * Both routes are float32 autograd of the same function, computed in another order (one padded batch through a key/value
     * cache against one unpadded example recomputed whole), so they differ by rounding alone, about 1e-6 relative.
     */
    private static final double RELATIVE = 1e-3;

    private static final Example FIRST = new Example("first", "wug is dax . dax is fep . fep is zor . is wug zor ?",
            List.of("wug is dax .", "dax is fep .", "fep is zor ."), "wug is zor", Map.of());
    private static final Example SECOND = new Example("second", "lim is bop . bop is tam . tam is rez . is lim rez ?",
            List.of("lim is bop .", "bop is tam .", "tam is rez ."), "lim is rez", Map.of());
    private static final Example THIRD = new Example("third", "zor is lim . lim is wug . wug is bop . is zor bop ?",
            List.of("zor is lim .", "lim is wug .", "wug is bop ."), "zor is bop", Map.of());
    /** One step only: at stage 3 it has one thought where the others have three, so steps 2 and 3 have three rows. */
    private static final Example SHORT = new Example("short", "dax is tam . is dax tam ?", List.of("dax is tam ."), "dax is tam", Map.of());
    private static final List<Example> EXAMPLES = List.of(FIRST, SHORT, SECOND, THIRD);

    private final Coconut method = new Coconut();
    private final Vocabulary vocabulary = vocabulary();
    /** Stage 3 of thoughtsPerStep 1: three thoughts for a three-step example, none mixed in from other stages. */
    private final CurriculumStage stage = method.curriculum(Map.of("maxLatentStage", 3, "mixProbability", 0.0), 5).stages().get(3);
    private final GradientProbe probe = new GradientProbe();

    /** What a user reads off the report: G(t) per step is the norm of each example's own loss gradient at latent step t. */
    @Test
    void theAnswerLossGradientPerStepIsAutogradsByAnIndependentUnrolling() {
        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            // batches of 3 and 1, so batching, padding to the longest row and the missing steps of the short row all count
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, EXAMPLES, vocabulary, manager,
                    Map.of("loss", "answer", "batchSize", 3)));
            List<double[]> expected = new ArrayList<>();
            for (Example e : EXAMPLES) {
                expected.add(byHand(model, e, true));
            }
            assertMatches(expected, report);
        }
    }

    /** The default loss is the experiment's objective; G is B times its gradient, a row's own for a mean of row losses. */
    @Test
    void theTrainingObjectiveGradientPerStepIsAutogradsByAnIndependentUnrolling() {
        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, EXAMPLES, vocabulary, manager, Map.of(),
                    GradientProbeTest::meanOfRowLosses));
            List<double[]> expected = new ArrayList<>();
            for (Example e : EXAMPLES) {
                expected.add(byHand(model, e, false));
            }
            assertMatches(expected, report);
            assertEquals(1.0, report.scalars().get("G.step1") / report.scalars().get("G.step3") / report.scalars().get("attenuation"), 1e-12);
        }
    }

    /** A probe run between training steps must not change what the next optimiser step sees, nor turn gradients on. */
    @Test
    void theProbeLeavesTheParametersAndTheirGradientsAsItFoundThem() {
        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            byHandWithoutZeroing(model, FIRST);   // gradients that are not zero, as between accumulation steps
            List<float[]> values = new ArrayList<>();
            List<float[]> gradients = new ArrayList<>();
            snapshot(model, values, gradients);
            assertTrue(gradients.stream().anyMatch(g -> norm(g) > 0), "the test starts from gradients that are not zero");

            // as the platform calls probes: with gradients off, which the probe's own collector must leave off
            JniUtils.setGradMode(false);
            probe.run(new ProbeContext(model, method, stage, EXAMPLES, vocabulary, manager, Map.of("batchSize", 2),
                    GradientProbeTest::meanOfRowLosses));
            probe.run(new ProbeContext(model, method, stage, EXAMPLES, vocabulary, manager, Map.of("loss", "answer")));
            assertFalse(JniUtils.isGradMode(), "gradients are off again after the probe");
            List<float[]> valuesAfter = new ArrayList<>();
            List<float[]> gradientsAfter = new ArrayList<>();
            snapshot(model, valuesAfter, gradientsAfter);
            for (int i = 0; i < values.size(); i++) {
                assertArrayEquals(values.get(i), valuesAfter.get(i), "parameter " + i);
                assertArrayEquals(gradients.get(i), gradientsAfter.get(i), "the gradient of parameter " + i);
            }
            // and the probe measured something, so the backward passes did run
            assertTrue(byHand(model, FIRST, true)[0] > 0);
        }
    }

    /** Refusals say what is wrong and what to change, naming the option. */
    @Test
    void badOptionsAMethodWithoutPerturbationAndATrainingLossWithoutObjectiveAreRefusedInOneSentence() {
        assertEquals(Set.of(Capability.LATENT_STEPS, Capability.LATENT_PERTURBATION), probe.requires());
        assertEquals(Set.of("examples", "batchSize", "loss", "methodOptions"), probe.options());
        assertEquals("The gradient probe's option 'examples' must be a whole number of at least 1, not 0.",
                optionError(Map.of("examples", 0)));
        assertEquals("The gradient probe's option 'batchSize' must be a whole number of at least 1, not 2.5.",
                optionError(Map.of("batchSize", 2.5)));
        assertEquals("The gradient probe's option 'loss' must be \"training\" (the experiment's training objective) or \"answer\""
                + " (the answer tokens' cross-entropy), not logits.", optionError(Map.of("loss", "logits")));
        assertEquals("The gradient probe's option 'methodOptions' must be an object of method settings to lay over the stage's, such as"
                + " {\"padLatents\": true}, not 3.", optionError(Map.of("methodOptions", 3)));
        assertEquals("The gradient probe has no option 'every'; its options are batchSize, examples, loss, methodOptions.",
                optionError(Map.of("every", 10)));
        probe.checkOptions(Map.of("examples", 8, "batchSize", 4.0, "loss", "answer", "methodOptions", Map.of("padLatents", true)));

        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            IllegalStateException language = assertThrows(IllegalStateException.class, () -> probe.run(new ProbeContext(model,
                    new LanguageOnly(), stage, EXAMPLES, vocabulary, manager, Map.of("loss", "answer"))));
            assertEquals("The gradient probe needs a method that can perturb its latent steps where they are fed back"
                    + " (LatentPerturbation), and LanguageOnly cannot.", language.getMessage());
            IllegalStateException noObjective = assertThrows(IllegalStateException.class, () -> probe.run(new ProbeContext(model,
                    method, stage, EXAMPLES, vocabulary, manager, Map.of())));
            assertEquals("The gradient probe's loss \"training\" differentiates the experiment's training objective, which this caller"
                    + " does not give; set the option 'loss' to \"answer\" to differentiate the answer tokens' cross-entropy instead.",
                    noObjective.getMessage());
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> probe.run(new ProbeContext(model, method,
                    stage, EXAMPLES, vocabulary, manager, Map.of("loss", "answer", "batchSize", 0))));
            assertTrue(bad.getMessage().contains("'batchSize'"), bad.getMessage());
        }
    }

    /** A run probed "every" N steps starts at stage 0, which has no thoughts: the probe reports no steps instead of failing. */
    @Test
    void aStageWithoutThoughtsGivesAReportWithoutSteps() {
        CurriculumStage first = method.curriculum(Map.of("maxLatentStage", 3), 5).stages().get(0);
        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, first, EXAMPLES, vocabulary, manager, Map.of("loss", "answer")));
            assertEquals(0.0, report.scalars().get("steps"));
            assertEquals(0.0, report.scalars().get("rows"));
            assertFalse(report.scalars().containsKey("G.step1"));
            assertTrue(table(report).rows().isEmpty());
            assertEquals(List.of(), probe.figures(report), "no steps, no figure");
        }
    }

    /** The figure of a report the probe made: its points are the table's mean and median G per step, on the scale it names. */
    @Test
    void theFigureOfARealReportDrawsItsTablePerStep() {
        try (Backbone model = backbone(); NDManager manager = model.manager().newSubManager()) {
            ProbeReport report = probe.run(new ProbeContext(model, method, stage, EXAMPLES, vocabulary, manager,
                    Map.of("loss", "answer", "batchSize", 3)));
            List<Figure> figures = probe.figures(report);
            assertEquals(1, figures.size());
            Figure figure = figures.get(0);
            assertEquals(Figure.Kind.LINE, figure.kind());
            ProbeTable table = table(report);
            List<Double> steps = table.rows().stream().map(r -> ((Number) r.get(0)).doubleValue()).toList();
            List<Double> means = table.rows().stream().map(r -> (Double) r.get(2)).toList();
            List<Double> medians = table.rows().stream().map(r -> (Double) r.get(3)).toList();
            double smallest = Math.min(means.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    medians.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
            double largest = Math.max(means.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                    medians.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            assertTrue(smallest > 0, "every step has a gradient");
            boolean log = largest / smallest > GradientFigures.LOG_SPAN;
            assertEquals(log ? GradientFigures.LOG_LABEL : GradientFigures.LINEAR_LABEL, figure.yLabel());
            assertEquals(List.of("mean", "median"), figure.series().stream().map(Figure.Series::label).toList());
            assertEquals(List.of(1.0, 2.0, 3.0), steps);
            for (int s = 0; s < 2; s++) {
                List<Double> drawn = s == 0 ? means : medians;
                Figure.Series series = figure.series().get(s);
                assertEquals(steps, series.x());
                for (int t = 0; t < drawn.size(); t++) {
                    assertEquals(log ? Math.log10(drawn.get(t)) : drawn.get(t), series.y().get(t), 1e-12, series.label() + " at step " + (t + 1));
                }
            }
            double first = report.scalars().get("G.step1");
            assertEquals(log ? Math.log10(first) : first, figure.series().get(0).y().get(0), 1e-12, "the mean line starts at G.step1");
        }
    }

    /** Per step, the probe's rows, mean and median of G against the hand-taken G of each example. */
    private static void assertMatches(List<double[]> expected, ProbeReport report) {
        ProbeTable table = table(report);
        assertEquals(List.of("step", "rows", "mean G", "median G"), table.columns());
        assertEquals(3, table.rows().size());
        double pooled = 0;
        int count = 0;
        for (int t = 0; t < 3; t++) {
            List<Double> values = new ArrayList<>();
            for (double[] g : expected) {
                if (t < g.length) {
                    values.add(g[t]);
                }
            }
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            pooled += values.stream().mapToDouble(Double::doubleValue).sum();
            count += values.size();
            List<Object> row = table.rows().get(t);
            assertEquals(t + 1, row.get(0));
            assertEquals(values.size(), row.get(1), "rows at step " + (t + 1));
            assertTrue(mean > 1e-6, "a gradient to compare at step " + (t + 1) + ": " + mean);
            assertRelative(mean, (Double) row.get(2), "mean G at step " + (t + 1));
            assertRelative(GradientProbe.median(values), (Double) row.get(3), "median G at step " + (t + 1));
            assertRelative(mean, report.scalars().get("G.step" + (t + 1)), "G.step" + (t + 1));
        }
        assertEquals(List.of(4, 3, 3), table.rows().stream().map(r -> r.get(1)).toList());
        assertRelative(pooled / count, report.scalars().get("G.mean"), "G.mean");
    }

    private static void assertRelative(double expected, double actual, String what) {
        double error = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error < RELATIVE, what + ": the probe gives " + actual + ", autograd by hand " + expected + " (relative error " + error + ")");
    }

    private static ProbeTable table(ProbeReport report) {
        return report.tables().stream().filter(t -> t.title().equals(GradientProbe.TABLE)).findFirst().orElseThrow();
    }

    /** G(t) of one example by hand, after which every parameter's gradient is zeroed. */
    private double[] byHand(Backbone model, Example example, boolean answerOnly) {
        double[] g = unrolled(model, example, answerOnly);
        for (NDArray parameter : model.parameters().values()) {
            try (NDArray gradient = parameter.getGradient()) {
                gradient.subi(gradient);
            }
        }
        return g;
    }

    private void byHandWithoutZeroing(Backbone model, Example example) {
        unrolled(model, example, false);
    }

    /**
     * Coconut unrolled for one example with no cache: {@code <bos> question <bot>}, then per thought the last hidden state
     * of the whole sequence so far plus a zero leaf appended as the next input, then {@code <eot>}, the steps stage 3 keeps,
     * {@code <answer> answer <eos>}. The loss is the mean cross-entropy of the answer words and {@code <eos>}, or of every
     * token after {@code <eot>} (what Coconut supervises); G(t) is the norm of the loss's gradient at leaf t.
     */
    private double[] unrolled(Backbone model, Example example, boolean answerOnly) {
        int thoughts = Math.min(3, example.steps().size());
        List<Integer> prompt = new ArrayList<>();
        prompt.add(vocabulary.id(Vocabulary.BOS));
        prompt.addAll(vocabulary.encode(example.question()));
        prompt.add(vocabulary.id("<bot>"));
        List<Integer> rest = new ArrayList<>();
        rest.add(vocabulary.id("<eot>"));
        for (String step : example.steps().subList(thoughts, example.steps().size())) {
            rest.addAll(vocabulary.encode(step));
        }
        rest.add(vocabulary.id(Vocabulary.ANSWER));
        int answerAt = rest.size();   // index in rest of the first answer word
        rest.addAll(vocabulary.encode(example.answer()));
        rest.add(vocabulary.id(Vocabulary.EOS));

        int d = model.config().dModel();
        double[] out = new double[thoughts];
        try (NDManager m = model.manager().newSubManager(); GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
            NDArray sequence = model.embed(ids(prompt, m));
            List<NDArray> leaves = new ArrayList<>();
            for (int i = 0; i < thoughts; i++) {
                NDArray last = model.forward(sequence, 0, null, Taps.HIDDEN).hidden().get(new NDIndex(":, -1:, :"));
                NDArray leaf = m.zeros(new Shape(1, 1, d));
                leaf.setRequiresGradient(true);
                leaves.add(leaf);
                sequence = sequence.concat(last.add(leaf), 1);
            }
            sequence = sequence.concat(model.embed(ids(rest, m)), 1);
            NDArray logits = model.forward(sequence, 0, null, Taps.LOGITS).logits();   // [1, T, V]
            int length = (int) logits.getShape().get(1);
            int eot = prompt.size() + thoughts;   // the column of <eot>
            long[] target = new long[length];
            float[] mask = new float[length];
            float count = 0;
            for (int p = eot; p + 1 < length; p++) {
                int next = p + 1 - eot;   // index in rest of the token column p predicts
                target[p] = rest.get(next);
                if (!answerOnly || next >= answerAt) {
                    mask[p] = 1;
                    count++;
                }
            }
            NDArray picked = logits.logSoftmax(-1).gather(m.create(target, new Shape(1, length, 1)), -1).squeeze(-1);
            NDArray loss = picked.mul(m.create(mask, new Shape(1, length))).sum().div(m.create(count)).neg();
            collector.backward(loss);
            for (int i = 0; i < thoughts; i++) {
                try (NDArray gradient = leaves.get(i).getGradient()) {
                    out[i] = norm(gradient.toFloatArray());
                }
            }
        }
        return out;
    }

    /** An objective that is the mean over rows of each row's mean cross-entropy over the positions Coconut labels. */
    private static NDArray meanOfRowLosses(LatentTrace trace, Batch batch, CurriculumStage stage) {
        NDManager m = batch.manager();
        int[] labels = trace.labels().toType(DataType.INT32, false).toIntArray();
        int rows = (int) trace.labels().getShape().get(0);
        int length = (int) trace.labels().getShape().get(1);
        long[] target = new long[labels.length];
        float[] mask = new float[labels.length];
        float[] counts = new float[rows];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] != LatentTrace.IGNORE) {
                target[i] = labels[i];
                mask[i] = 1;
                counts[i / length]++;
            }
        }
        NDArray picked = trace.logits().logSoftmax(-1).gather(m.create(target, new Shape(rows, length, 1)), -1).squeeze(-1);
        NDArray perRow = picked.mul(m.create(mask, new Shape(rows, length))).sum(new int[] {1}).div(m.create(counts));
        return perRow.sum().div(m.create((float) rows)).neg();
    }

    private static NDArray ids(List<Integer> ids, NDManager m) {
        return m.create(ids.stream().mapToInt(Integer::intValue).toArray(), new Shape(1, ids.size()));
    }

    private static void snapshot(Backbone model, List<float[]> values, List<float[]> gradients) {
        for (NDArray parameter : model.parameters().values()) {
            values.add(parameter.toFloatArray());
            try (NDArray gradient = parameter.getGradient()) {
                gradients.add(gradient.toFloatArray());
            }
        }
    }

    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    private String optionError(Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> probe.checkOptions(options)).getMessage();
    }

    private Vocabulary vocabulary() {
        List<String> texts = new ArrayList<>();
        for (Example e : EXAMPLES) {
            texts.add(e.question());
            texts.addAll(e.steps());
            texts.add(e.answer());
        }
        return Vocabulary.build(method.specialTokens(), texts);
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch")).create(new BackboneConfig(vocabulary.size(), 16, 2, 2, 64), Device.cpu(), 11);
    }

    /** A method that reasons in language only. */
    private static final class LanguageOnly implements ReasoningMethod {
        @Override
        public Set<Capability> provides() {
            return Set.of(Capability.TOKEN_LOGITS);
        }

        @Override
        public Curriculum curriculum(Map<String, Object> options, int epochs) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding) {
            throw new UnsupportedOperationException();
        }
    }
}
