package org.latentlab.method.cot2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Taps;

/** The policy the platform's GRPO trainer drives: multi-token sampling and the re-scoring of its actions. */
class Cot2PolicyTest {

    /** Rollouts write {@code <answer>} and at most this many answer tokens, {@code <eos>} included. */
    private static final int MAX_ANSWER_TOKENS = 7;
    private static final Decoding DECODING = new Decoding(MAX_ANSWER_TOKENS + 1);

    private final ContinuousChainOfThought method = new ContinuousChainOfThought();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);
    /** A group of two rollouts of one prompt and one of a longer prompt with one more continuous step. */
    private final List<Example> examples = List.of(ContinuousChainOfThoughtTest.E312, ContinuousChainOfThoughtTest.E312,
            ContinuousChainOfThoughtTest.E2413);

    /**
     * A user relies on K = 1 being discrete chain of thought: each step feeds the sampled token's own embedding, so the
     * rollout's log-probabilities are a plain token sequence's, and scoring the rollout again gives them back.
     */
    @Test
    void oneTokenPerStepIsDiscreteChainOfThought() {
        double temperature = 0.7;
        CurriculumStage stage = method.curriculum(Map.of(Cot2Options.SAMPLES, 1, Cot2Options.TEMPERATURE, temperature), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 23); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(examples, vocabulary, m);
            Rollouts rollouts = method.sample(model, batch, stage, DECODING, new Random(5));
            Actions actions = Actions.of(rollouts);
            assertEquals(1, actions.k());
            assertArrayEquals(new int[] {2, 2, 3}, actions.softSteps());
            float[] sampled = rollouts.logProbabilities().toFloatArray();
            float[] mask = rollouts.mask().toFloatArray();
            for (int b = 0; b < examples.size(); b++) {
                Example example = examples.get(b);
                int s = actions.softSteps()[b];
                List<Integer> drawn = actions.taken(b);
                int answered = drawn.size() - s;
                assertTrue(answered >= 1 && answered <= MAX_ANSWER_TOKENS);
                int last = drawn.get(drawn.size() - 1);
                assertTrue(last == vocabulary.id(Vocabulary.EOS) || answered == MAX_ANSWER_TOKENS);
                // the plain sequence <bos> q <sep> t_1 … t_s <answer> a_1 … a_(A-1)
                List<Integer> ids = TokenLayout.prompt(example, vocabulary);
                int prompt = ids.size();
                ids.addAll(drawn.subList(0, s));
                ids.add(vocabulary.id(Vocabulary.ANSWER));
                ids.addAll(drawn.subList(s, drawn.size() - 1));
                float[][] log = logProbabilities(model, model.embed(m.create(ints(ids), new Shape(1, ids.size()))), temperature, m);
                for (int j = 0; j < actions.steps(); j++) {
                    int at = b * actions.steps() + j;
                    if (j >= drawn.size()) {
                        assertEquals(0f, mask[at]);
                        assertEquals(0, actions.width()[at]);
                        continue;
                    }
                    assertEquals(1f, mask[at]);
                    assertEquals(1, actions.width()[at]);
                    int column = j < s ? prompt + j - 1 : prompt + s + (j - s);
                    assertEquals(log[column][drawn.get(j)], sampled[at], 1e-5f, "rollout " + b + ", step " + j);
                }
                // the answer is what followed the last <answer> (the one fed, or one the model wrote again), <eos> left out
                List<String> answer = new ArrayList<>();
                for (int token : drawn.subList(s, drawn.size())) {
                    if (token == vocabulary.id(Vocabulary.ANSWER)) {
                        answer.clear();
                    } else if (token != vocabulary.id(Vocabulary.EOS)) {
                        answer.add(vocabulary.token(token));
                    }
                }
                assertEquals(answer, rollouts.answers().get(b).answer());
                assertEquals(s, rollouts.answers().get(b).latentSteps());
            }
            assertClose(sampled, method.logProbabilities(model, batch, rollouts, stage).toFloatArray(), 1e-5f);
            // the same random stream draws the same rollouts
            Actions again = Actions.of(method.sample(model, batch, stage, DECODING, new Random(5)));
            assertArrayEquals(actions.tokens(), again.tokens());
        }
    }

    /**
     * A user relies on K > 1 feeding the mean embedding of the K drawn tokens and scoring the step by the mean of their
     * log-probabilities (so GRPO's ratio is their geometric mean), the same in the one-pass re-scoring, which carries
     * gradients.
     */
    @Test
    void severalTokensPerStepFeedTheirMeanEmbeddingAndScoreTheMeanLogProbability() {
        double temperature = 1.3;
        int k = 3;
        CurriculumStage stage = method.curriculum(Map.of(Cot2Options.SAMPLES, k, Cot2Options.TEMPERATURE, temperature), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 29); NDManager scope = model.manager().newSubManager()) {
            Rollouts rollouts;
            float[] sampled;
            try (NDManager m = scope.newSubManager()) {
                rollouts = method.sample(model, new Batch(examples, vocabulary, scope), stage, DECODING, new Random(11));
                Actions actions = Actions.of(rollouts);
                assertEquals(k, actions.k());
                sampled = rollouts.logProbabilities().toFloatArray();
                boolean mixed = false;
                for (int b = 0; b < examples.size(); b++) {
                    Example example = examples.get(b);
                    int s = actions.softSteps()[b];
                    List<Integer> drawn = actions.taken(b);
                    List<NDArray> inputs = new ArrayList<>();
                    List<Integer> prompt = TokenLayout.prompt(example, vocabulary);
                    inputs.add(model.embed(m.create(ints(prompt), new Shape(1, prompt.size()))));
                    for (int i = 0; i < s; i++) {
                        int[] step = actions.step(b, i);
                        assertEquals(k, step.length);
                        mixed |= step[0] != step[1] || step[1] != step[2];
                        inputs.add(model.embed(m.create(step, new Shape(1, k))).mean(new int[] {1}, true));
                    }
                    List<Integer> rest = new ArrayList<>(List.of(vocabulary.id(Vocabulary.ANSWER)));
                    rest.addAll(drawn.subList(s, drawn.size() - 1));
                    inputs.add(model.embed(m.create(ints(rest), new Shape(1, rest.size()))));
                    float[][] log = logProbabilities(model, NDArrays.concat(new NDList(inputs), 1), temperature, m);
                    for (int j = 0; j < drawn.size(); j++) {
                        double expected;
                        if (j < s) {
                            expected = 0;
                            for (int token : actions.step(b, j)) {
                                expected += log[prompt.size() + j - 1][token] / (double) k;
                            }
                            assertEquals(k, actions.width()[b * actions.steps() + j]);
                        } else {
                            expected = log[prompt.size() + j][drawn.get(j)];
                            assertEquals(1, actions.width()[b * actions.steps() + j]);
                        }
                        assertEquals(expected, sampled[b * actions.steps() + j], 1e-5, "rollout " + b + ", step " + j);
                    }
                }
                assertTrue(mixed, "at this temperature some step drew different tokens");
            }
            // scored again under the same parameters, with gradients: the ratio is 1 and the parameters get a gradient
            try (NDManager m = scope.newSubManager();
                 GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray again = method.logProbabilities(model, new Batch(examples, vocabulary, m), rollouts, stage);
                assertClose(sampled, again.toFloatArray(), 1e-5f);
                collector.backward(again.sum());
            }
            try (NDArray gradient = model.parameters().get("blocks.0.attn.qkv.weight").getGradient()) {
                assertTrue(gradient.abs().sum().getFloat() > 0f, "the re-scored log-probabilities reach the parameters");
            }
        }
    }

    /** The drawn ids of a batch of rollouts, read back to the host. */
    record Actions(int[] tokens, int[] width, int[] softSteps, int steps, int k) {
        static Actions of(Rollouts rollouts) {
            NDArray tokens = rollouts.actions().get(ContinuousChainOfThought.TOKENS);
            assertEquals(DataType.INT32, tokens.getDataType());
            Shape shape = tokens.getShape();
            assertEquals(new Shape(shape.get(0), shape.get(1)), rollouts.logProbabilities().getShape());
            assertEquals(rollouts.mask().getShape(), rollouts.logProbabilities().getShape());
            assertEquals(DataType.FLOAT32, rollouts.logProbabilities().getDataType());
            return new Actions(tokens.toIntArray(), rollouts.actions().get(ContinuousChainOfThought.WIDTH).toIntArray(),
                    rollouts.actions().get(ContinuousChainOfThought.SOFT_STEPS).toIntArray(), (int) shape.get(1), (int) shape.get(2));
        }

        /** The ids drawn at step j of rollout b. */
        int[] step(int b, int j) {
            int offset = (b * steps + j) * k;
            return java.util.Arrays.copyOfRange(tokens, offset, offset + width[b * steps + j]);
        }

        /** The first id of each step rollout b took. */
        List<Integer> taken(int b) {
            List<Integer> out = new ArrayList<>();
            for (int j = 0; j < steps && width[b * steps + j] > 0; j++) {
                out.add(tokens[(b * steps + j) * k]);
            }
            return out;
        }
    }

    /** log softmax(logits / temperature) of a plain pass over {@code inputs} {@code [1, L, d]}, as {@code [L][V]}. */
    private static float[][] logProbabilities(Backbone model, NDArray inputs, double temperature, NDManager m) {
        NDArray logits = model.forward(inputs, 0, null, Taps.LOGITS).logits();
        NDArray log = ContinuousChainOfThoughtTest.divide(logits, temperature, m).logSoftmax(-1).squeeze(0);
        int length = (int) log.getShape().get(0);
        int size = (int) log.getShape().get(1);
        float[] flat = log.toFloatArray();
        float[][] out = new float[length][size];
        for (int t = 0; t < length; t++) {
            System.arraycopy(flat, t * size, out[t], 0, size);
        }
        return out;
    }

    private static int[] ints(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertClose(float[] expected, float[] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "entry " + i);
        }
    }
}
