package org.latentlab.method.cot2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.Policy;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/** The CSFT layout and targets, the continuous tokens, both feedbacks, decoding and learning. */
class ContinuousChainOfThoughtTest {

    /** 3 1 2 with the step distributions written out by hand: after 1 digit ±3, after 2 digits ±3±1. */
    static final Example E312 = new Example("312", "3 1 2", List.of("3", "2", "0"), "0", Map.of(Example.STEP_DISTRIBUTIONS, List.of(
            Map.of("-3", 0.5, "3", 0.5),
            Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25),
            Map.of("-6", 0.125, "-4", 0.125, "-2", 0.125, "0", 0.25, "2", 0.125, "4", 0.125, "6", 0.125))));
    /** 2 4 1 3: best path + − − +, steps 2 −2 −3 0; one digit longer than E312, so its prompt and chain are longer. */
    static final Example E2413 = Mnns.example("2413", 2, 4, 1, 3);

    private final ContinuousChainOfThought method = new ContinuousChainOfThought();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);

    @Test
    void theFixtureWritesProblemsAsTheMnnsDatasetDoes() {
        assertEquals(E312, Mnns.example("312", 3, 1, 2));
        assertEquals(List.of("2", "-2", "-3", "0"), E2413.steps());
        assertEquals("0", E2413.answer());
    }

    /** A user relies on the targets being the superposition of every search path (or its top-B cut) at the right columns. */
    @Test
    void csftTargetsAreTheStepDistributionsAtTheColumnsThatPredictEachStep() {
        int p0 = TokenLayout.prompt(E312, vocabulary).size();   // <bos> 3 1 2 <sep>
        int p1 = TokenLayout.prompt(E2413, vocabulary).size();
        assertEquals(5, p0);
        assertEquals(6, p1);
        List<Map<String, Double>> full2413 = Mnns.distributions(2, 4, 1, 3);
        Map<Integer, List<Map<String, Double>>> expected = Map.of(
                0, List.of(E312Full.STEP1, E312Full.STEP2, full2413.get(0), full2413.get(1), full2413.get(2)),
                1, List.of(Map.of("3", 1.0), Map.of("2", 1.0), Map.of("2", 1.0), Map.of("-2", 1.0), Map.of("-3", 1.0)),
                3, List.of(E312Full.STEP1, Map.of("2", 1 / 3.0, "-4", 1 / 3.0, "-2", 1 / 3.0), full2413.get(0),
                        Map.of("-2", 1 / 3.0, "-6", 1 / 3.0, "2", 1 / 3.0), Map.of("-3", 1 / 3.0, "-7", 1 / 3.0, "-5", 1 / 3.0)));
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 3); NDManager m = model.manager().newSubManager()) {
            int v = vocabulary.size();
            for (Map.Entry<Integer, List<Map<String, Double>>> beam : expected.entrySet()) {
                CurriculumStage stage = stage(Map.of(Cot2Options.BEAM, beam.getKey()));
                LatentTrace trace = method.forward(model, new Batch(List.of(E312, E2413), vocabulary, m), stage);
                int length = 6 + 3 + 3;
                assertEquals(new Shape(2, length, v), trace.logits().getShape());
                NDArray soft = trace.extras().get(LatentTrace.SOFT_TARGETS);
                assertEquals(new Shape(2, length, v), soft.getShape());
                List<Map<String, Double>> want = beam.getValue();
                // row 0 predicts its two continuous steps from <sep> and z_1; row 1 its three from <sep>, z_1 and z_2
                int[][] predicting = {{p0 - 1, p0}, {p1 - 1, p1, p1 + 1}};
                int next = 0;
                for (int b = 0; b < 2; b++) {
                    float[][] rows = rows(soft.get(b));
                    for (int c = 0; c < length; c++) {
                        int step = indexOf(predicting[b], c);
                        float[] target = step < 0 ? new float[v] : dense(want.get(next + step));
                        assertArrayEquals(target, rows[c], 1e-7f, "beam " + beam.getKey() + ", row " + b + ", column " + c);
                    }
                    next += predicting[b].length;
                }
                int[] labels = trace.labels().toIntArray();
                int ignore = LatentTrace.IGNORE;
                int answer = vocabulary.id(Vocabulary.ANSWER);
                int zero = vocabulary.id("0");
                int eos = vocabulary.id(Vocabulary.EOS);
                // prompt and the columns predicting a step carry no label; z_s predicts <answer>, then answer and <eos>
                assertArrayEquals(new int[] {ignore, ignore, ignore, ignore, ignore, ignore, answer, zero, eos, ignore, ignore, ignore},
                        java.util.Arrays.copyOfRange(labels, 0, length));
                assertArrayEquals(new int[] {ignore, ignore, ignore, ignore, ignore, ignore, ignore, ignore, answer, zero, eos, ignore},
                        java.util.Arrays.copyOfRange(labels, length, 2 * length));
                assertArrayEquals(new int[] {p0 - 1, p0, -1, p1 - 1, p1, p1 + 1},
                        trace.extras().get(LatentTrace.LATENT_COLUMNS).toIntArray());
                assertEquals(DataType.INT32, trace.extras().get(LatentTrace.LATENT_COLUMNS).getDataType());
                // slot i holds step i's superposition
                assertArrayEquals(new int[] {0, 1, -1, 0, 1, 2}, trace.extras().get(LatentTrace.STEP_INDEX).toIntArray());
                // the predicted distribution of each step is read where its target is
                NDArray probabilities = trace.extras().get(LatentTrace.STEP_PROBABILITIES);
                assertEquals(new Shape(2, 3, v), probabilities.getShape());
                NDArray softmax = trace.logits().softmax(-1);
                for (int b = 0; b < 2; b++) {
                    for (int i = 0; i < 3; i++) {
                        NDArray expectedRow = i < predicting[b].length ? softmax.get(b).get(predicting[b][i]) : m.zeros(new Shape(v));
                        assertTrue(probabilities.get(b).get(i).sub(expectedRow).abs().max().getFloat() < 1e-6f, "row " + b + ", step " + i);
                    }
                }
                assertEquals((p0 + 2 + 3) + (p1 + 3 + 3), trace.tokens(), "real columns, padding left out");
            }
        }
    }

    /** The distributions of E312 as the paper's CSFT wants them. */
    private static final class E312Full {
        static final Map<String, Double> STEP1 = Map.of("-3", 0.5, "3", 0.5);
        static final Map<String, Double> STEP2 = Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25);
    }

    /** A user relies on a one-hot step being exactly that token, so CoT2 with one path is discrete CoT. */
    @Test
    void aOneHotContinuousTokenIsThatTokensEmbedding() {
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 5); NDManager m = model.manager().newSubManager()) {
            NDArray embeddings = ContinuousChainOfThought.embeddingMatrix(model, m);
            int three = vocabulary.id("-3");
            float[] oneHot = new float[vocabulary.size()];
            oneHot[three] = 1f;
            NDArray z = m.create(oneHot, new Shape(1, vocabulary.size())).matMul(embeddings);
            NDArray token = model.embed(m.create(new int[] {three}, new Shape(1, 1))).reshape(1, 16);
            assertEquals(0f, z.sub(token).abs().max().getFloat(), 1e-6f);

            // with beam 1 every target is one-hot: the trace is the plain token sequence <bos> 3 1 2 <sep> 3 2 <answer> 0 <eos>
            LatentTrace trace = method.forward(model, new Batch(List.of(E312), vocabulary, m), stage(Map.of(Cot2Options.BEAM, 1)));
            NDArray written = model.embed(m.create(new int[] {vocabulary.id("3"), vocabulary.id("2")}, new Shape(1, 2)));
            assertEquals(0f, trace.latents().sub(written).abs().max().getFloat(), 1e-6f);
            List<Integer> ids = TokenLayout.prompt(E312, vocabulary);
            ids.addAll(TokenLayout.continuation(E312, E312.steps().subList(0, 2), vocabulary));
            int[] plain = ids.stream().mapToInt(Integer::intValue).toArray();
            NDArray logits = model.forward(model.embed(m.create(plain, new Shape(1, plain.length))), 0, null, Taps.LOGITS).logits();
            assertTrue(trace.logits().sub(logits).abs().max().getFloat() < 1e-5f);
            assertTrue(trace.extras().containsKey(Taps.hook(0, "resid_post")), "the residual stream goes into the extras");
        }
    }

    /**
     * A user relies on the one teacher-forced pass computing what the model would compute step by step with its cache,
     * and on model feedback feeding z_t = Eᵀ softmax(logits / τ) of its own previous output, gradients through the chain.
     */
    @Test
    void teacherForcingIsTheCachedStepByStepComputationAndModelFeedbackFeedsItsOwnSoftmax() {
        List<Example> examples = List.of(E312, E2413);
        double temperature = 0.5;
        Engine engine = Engine.getEngine("PyTorch");
        try (Backbone model = Mnns.backbone(vocabulary, 32, 2, 11)) {
            try (NDManager m = model.manager().newSubManager()) {
                LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage(Map.of()));
                for (int b = 0; b < 2; b++) {
                    NDArray reference = reference(model, examples.get(b), false, temperature, false, m);
                    int length = (int) reference.getShape().get(1);
                    float diff = trace.logits().get(new NDIndex("{}, 0:{}, :", b, length)).sub(reference.squeeze(0)).abs().max().getFloat();
                    assertTrue(diff < 1e-4f, "target feedback, row " + b + ": " + diff);
                }
            }
            CurriculumStage model2 = stage(Map.of(Cot2Options.FEEDBACK, "model", Cot2Options.TEMPERATURE, temperature));
            float[] viaMethod;
            try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), model2);
                NDArray embeddings = ContinuousChainOfThought.embeddingMatrix(model, m);
                int[] columns = trace.extras().get(LatentTrace.LATENT_COLUMNS).toIntArray();
                for (int b = 0; b < 2; b++) {
                    int s = SoftTargets.continuousSteps(examples.get(b));
                    for (int i = 0; i < 3; i++) {
                        NDArray fed = trace.latents().get(b).get(i);
                        if (i >= s) {
                            assertEquals(-1, columns[b * 3 + i]);
                            assertEquals(0f, fed.abs().max().getFloat());
                            continue;
                        }
                        NDArray alpha = divide(trace.logits().get(b).get(columns[b * 3 + i]), temperature, m).softmax(-1);
                        assertTrue(fed.sub(alpha.expandDims(0).matMul(embeddings).squeeze(0)).abs().max().getFloat() < 1e-6f);
                        assertTrue(trace.extras().get(LatentTrace.STEP_PROBABILITIES).get(b).get(i).sub(alpha).abs().max().getFloat() < 1e-6f);
                    }
                    NDArray reference = reference(model, examples.get(b), true, temperature, false, m);
                    int length = (int) reference.getShape().get(1);
                    float diff = trace.logits().get(new NDIndex("{}, 0:{}, :", b, length)).sub(reference.squeeze(0)).abs().max().getFloat();
                    assertTrue(diff < 1e-4f, "model feedback, row " + b + ": " + diff);
                }
                collector.backward(answerLoss(trace.logits(), trace.labels()));
            }
            viaMethod = takeGradients(model);
            float[][] viaReference = new float[2][];
            for (int cut = 0; cut < 2; cut++) {
                try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    NDArray loss = null;
                    for (Example example : examples) {
                        NDArray logits = reference(model, example, true, temperature, cut == 1, m);
                        NDArray labels = method.forward(model, new Batch(List.of(example), vocabulary, m), model2).labels();
                        NDArray one = answerLoss(logits, labels);
                        loss = loss == null ? one : loss.add(one);
                    }
                    collector.backward(loss);
                }
                viaReference[cut] = takeGradients(model);
            }
            float methodVsChain = maxDifference(viaMethod, viaReference[0]);
            float chainVsCut = maxDifference(viaReference[0], viaReference[1]);
            assertTrue(methodVsChain < 1e-5f, "the method's gradient is the step-by-step one's, up to " + methodVsChain);
            assertTrue(chainVsCut > 100 * methodVsChain && chainVsCut > 1e-5f,
                    "cutting the chain of fed distributions changes the gradient, by " + chainVsCut + " (vs " + methodVsChain + ")");
        }
    }

    /**
     * A user relies on evaluation feeding the continuous steps as the trained model would (continuous decoding: its
     * softmax, as model feedback) and on sampled decoding repeating exactly under the same seed.
     */
    @Test
    void solveFeedsTheModelsOwnDistributionsAndSampledDecodingIsReproducible() {
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 13); NDManager m = model.manager().newSubManager()) {
            // a sharp temperature: the fed steps are near one-hot, unlike those of the plain softmax
            CurriculumStage stage = stage(Map.of(Cot2Options.FEEDBACK, "model", Cot2Options.TEMPERATURE, 0.05));
            List<Example> examples = new ArrayList<>(List.of(E312, E2413));
            for (int i = 0; i < 6; i++) {
                examples.add(Mnns.example("t" + i, 1 + i % 3, 4 - i % 4, 1 + i % 2, 2));
            }
            for (Example example : examples) {
                LatentTrace trace = method.forward(model, new Batch(List.of(example), vocabulary, m), stage);
                int s = SoftTargets.continuousSteps(example);
                int column = TokenLayout.prompt(example, vocabulary).size() + s - 1;   // z_s, which predicts <answer>
                int next = (int) trace.logits().get(0).get(column).argMax().toType(DataType.INT64, false).getLong();
                List<String> expected = next == vocabulary.id(Vocabulary.EOS) ? List.of() : List.of(vocabulary.token(next));
                Answer answer = method.solve(model, new Batch(List.of(example), vocabulary, m), stage, new Decoding(1)).get(0);
                assertEquals(TokenLayout.answer(expected, s), answer);
            }
            Map<String, Object> sampled = Map.of(Cot2Options.DECODING, "sample", Cot2Options.SAMPLES, 2, Cot2Options.TEMPERATURE, 2.0,
                    Cot2Options.SEED, 9);
            List<Example> many = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                many.add(Mnns.example("q" + i, 1 + i % 3, 2, 3 - i % 2));
            }
            Batch batch = new Batch(many, vocabulary, m);
            List<Answer> first = method.solve(model, batch, stage(sampled), new Decoding(6));
            assertEquals(first, method.solve(model, batch, stage(sampled), new Decoding(6)));
            assertEquals(2, first.get(0).latentSteps());
            // each example draws from its own stream: solving one alone gives what it got in the batch
            assertEquals(first.get(3), method.solve(model, new Batch(List.of(many.get(3)), vocabulary, m), stage(sampled), new Decoding(6)).get(0));
            // that stream is drawn from the seed and the example's id
            Cot2Options options = Cot2Options.of(stage(sampled).settings());
            assertEquals(options.randomFor("q3").nextLong(), options.randomFor("q3").nextLong());
            assertTrue(options.randomFor("q3").nextLong() != options.randomFor("q4").nextLong());
            assertTrue(options.randomFor("q3").nextLong() != Cot2Options.of(Map.of(Cot2Options.SEED, 10)).randomFor("q3").nextLong());
        }
    }

    /** A user relies on CSFT training moving the model toward the superposition targets and the answers. */
    @Test
    void plainSgdOnTheCsftLossLowersIt() {
        List<Example> examples = new ArrayList<>();
        int[][] digits = {{1, 2, 3}, {3, 1, 2}, {2, 2, 1}, {1, 1, 3}, {3, 3, 2}, {2, 3, 1}};
        for (int[] d : digits) {
            examples.add(Mnns.example(java.util.Arrays.toString(d), d));
        }
        Engine engine = Engine.getEngine("PyTorch");
        CurriculumStage stage = stage(Map.of());
        try (Backbone model = Mnns.backbone(vocabulary, 32, 1, 17)) {
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 40; step++) {
                try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
                    NDArray loss = csftLoss(trace);
                    collector.backward(loss);
                    last = loss.getFloat();
                    if (step == 0) {
                        first = last;
                    }
                }
                for (NDArray p : model.parameters().values()) {
                    try (NDArray gradient = p.getGradient(); NDArray view = p.stopGradient(); NDArray update = gradient.mul(0.5f)) {
                        view.subi(update);
                        gradient.subi(gradient);
                    }
                }
            }
            assertTrue(last < 0.6f * first, "the CSFT loss went from " + first + " to " + last);
        }
    }

    @Test
    void itDeclaresWhatItsTracesCarryAndIsAPolicy() {
        assertEquals(java.util.Set.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES, Capability.POLICY_LOGPROB,
                Capability.ALIGNED_STEPS),
                method.provides());
        assertTrue(method instanceof Policy);
        assertEquals(List.of(), method.specialTokens());
        assertEquals(Map.of(Cot2Options.FEEDBACK, "target", Cot2Options.BEAM, 0, Cot2Options.DECODING, "continuous",
                Cot2Options.SAMPLES, 1, Cot2Options.TEMPERATURE, 1.0, Cot2Options.SEED, 0L), method.curriculum(Map.of(), 3).last().settings());
        assertEquals(3, method.curriculum(Map.of(), 3).totalEpochs());
        assertEquals(1, method.curriculum(Map.of(), 3).stages().size());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private CurriculumStage stage(Map<String, Object> options) {
        return method.curriculum(options, 1).last();
    }

    /**
     * The logits {@code [1, L, V]} of one example the slow way: the prompt, then each continuous step alone through the
     * cache (the target's mixture, or with {@code model} feedback the softmax of the previous output, cut from the graph
     * with {@code cut}), then the rest.
     */
    private NDArray reference(Backbone model, Example example, boolean own, double temperature, boolean cut, NDManager m) {
        NDArray embeddings = ContinuousChainOfThought.embeddingMatrix(model, m);
        List<Map<Integer, Double>> targets = SoftTargets.of(example, 0, vocabulary);
        KvCache cache = model.newCache();
        int[] prompt = TokenLayout.prompt(example, vocabulary).stream().mapToInt(Integer::intValue).toArray();
        List<NDArray> logits = new ArrayList<>();
        logits.add(model.forward(model.embed(m.create(prompt, new Shape(1, prompt.length))), 0, cache, Taps.LOGITS).logits());
        for (Map<Integer, Double> target : targets) {
            NDArray alpha;
            if (own) {
                alpha = divide(logits.get(logits.size() - 1).get(new NDIndex(":, -1:, :")), temperature, m).softmax(-1);
                alpha = cut ? alpha.stopGradient() : alpha;
            } else {
                alpha = m.create(dense(target, vocabulary.size(), vocabulary), new Shape(1, 1, vocabulary.size()));
            }
            logits.add(model.forward(alpha.matMul(embeddings), cache.length(), cache, Taps.LOGITS).logits());
        }
        int[] rest = TokenLayout.continuation(example, List.of(), vocabulary).stream().mapToInt(Integer::intValue).toArray();
        logits.add(model.forward(model.embed(m.create(rest, new Shape(1, rest.length))), cache.length(), cache, Taps.LOGITS).logits());
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(logits), 1);
    }

    /** a / divisor, the divisor an array of {@code m} (DJL's div(Number) frees its scalar before a backward pass reads it). */
    static NDArray divide(NDArray a, double divisor, NDManager m) {
        return a.div(m.create((float) divisor));
    }

    /** Negative log-likelihood of the hard labels (the answer's), summed. */
    private static NDArray answerLoss(NDArray logits, NDArray labels) {
        int length = (int) labels.getShape().get(1);
        NDArray cut = logits.get(new NDIndex(":, 0:{}, :", length));
        return cut.logSoftmax(-1).gather(labels.maximum(0).toType(DataType.INT64, false).expandDims(-1), -1)
                .squeeze(-1).mul(labels.neq(LatentTrace.IGNORE)).sum().neg();
    }

    /** The language loss with soft targets: (Σ CE at labels + Σ KL(target ‖ p) at soft positions) / their count. */
    static NDArray csftLoss(LatentTrace trace) {
        NDArray log = trace.logits().logSoftmax(-1);
        NDArray labels = trace.labels();
        NDArray labelled = labels.neq(LatentTrace.IGNORE).toType(DataType.FLOAT32, false);
        NDArray hard = log.gather(labels.maximum(0).toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1).mul(labelled).sum().neg();
        NDArray targets = trace.extras().get(LatentTrace.SOFT_TARGETS);
        NDArray kl = targets.mul(targets.maximum(1e-30f).log().sub(log)).sum();
        NDArray count = labelled.sum().add(targets.sum(new int[] {-1}).gt(0f).toType(DataType.FLOAT32, false).sum());
        return hard.add(kl).div(count);
    }

    /** Every parameter's gradient, flattened in order, after which every gradient is zeroed. */
    private static float[] takeGradients(Backbone model) {
        List<Float> out = new ArrayList<>();
        for (NDArray p : model.parameters().values()) {
            try (NDArray gradient = p.getGradient()) {
                for (float g : gradient.toFloatArray()) {
                    out.add(g);
                }
                gradient.subi(gradient);
            }
        }
        float[] flat = new float[out.size()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = out.get(i);
        }
        return flat;
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private float[] dense(Map<String, Double> distribution) {
        float[] out = new float[vocabulary.size()];
        distribution.forEach((word, weight) -> out[vocabulary.id(word)] = weight.floatValue());
        return out;
    }

    private static float[] dense(Map<Integer, Double> distribution, int size, Vocabulary vocabulary) {
        float[] out = new float[size];
        distribution.forEach((id, weight) -> out[id] = weight.floatValue());
        return out;
    }

    private static float[][] rows(NDArray matrix) {
        int rows = (int) matrix.getShape().get(0);
        int columns = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * columns, out[r], 0, columns);
        }
        return out;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
