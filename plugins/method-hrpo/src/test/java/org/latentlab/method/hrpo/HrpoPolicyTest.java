package org.latentlab.method.hrpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.model.Backbone;

/** HRPO as the policy the platform's GRPO trainer drives, and as it answers. */
class HrpoPolicyTest {

    private static final Decoding DECODING = new Decoding(8);

    private final HybridReasoningPolicyOptimization method = new HybridReasoningPolicyOptimization();
    /** Plain chain of thought on the same layout, the {@code cot} method's policy. */
    private final ExplicitReasoning chainOfThought = new ExplicitReasoning() {
        @Override
        protected List<String> reasoning(Example example) {
            return example.steps();
        }
    };
    private final Vocabulary vocabulary = Mnns.vocabulary(10);
    /** A group of two rollouts of one prompt and one of a longer prompt, so prompts are padded. */
    private final List<Example> examples = List.of(Mnns.example("a", 3, 1, 2), Mnns.example("a", 3, 1, 2),
            Mnns.example("b", 2, 4, 1, 3));

    /**
     * A user relies on GRPO's first ratio being 1: the sampler's log-probabilities, scored again under the same parameters
     * by the replay, come back, and the replay's gradients reach W_r, W_i and Λ; with the gates open the hybrid inputs
     * change what is scored, unlike plain token chain of thought.
     */
    @Test
    void rescoredRolloutsMatchTheSamplerAndTrainTheGates() {
        Map<String, Object> options = Map.of(HrpoOptions.GATE_INIT, 0.3, HrpoOptions.TEMPERATURE, 0.8);
        CurriculumStage stage = method.curriculum(options, 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 31); NDManager scope = model.manager().newSubManager()) {
            method.initialise(model, vocabulary, options);
            Rollouts rollouts = method.sample(model, new Batch(examples, vocabulary, scope), stage, DECODING, new Random(7));
            float[] sampled = rollouts.logProbabilities().toFloatArray();
            float[] mask = rollouts.mask().toFloatArray();
            int[] tokens = rollouts.actions().get(ExplicitReasoning.TOKENS).toIntArray();
            for (int k = 0; k < mask.length; k++) {
                assertEquals(mask[k] == 1f, tokens[k] >= 0, "mask and tokens agree at " + k);
            }
            try (NDManager m = scope.newSubManager();
                 GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray again = method.logProbabilities(model, new Batch(examples, vocabulary, m), rollouts, stage);
                assertClose(sampled, again.toFloatArray(), mask, 1e-4f);
                collector.backward(again.mul(m.create(mask, again.getShape())).sum());
            }
            for (String name : List.of(HybridGate.RESET_WEIGHT, HybridGate.INPUT_WEIGHT, HybridGate.LAMBDA)) {
                try (NDArray gradient = model.parameters().get(name).getGradient()) {
                    assertTrue(gradient.abs().sum().getFloat() > 0f, "the replay's gradient reaches " + name);
                }
            }
            try (NDManager m = scope.newSubManager()) {
                float[] plain = chainOfThought.logProbabilities(model, new Batch(examples, vocabulary, m), rollouts, stage).toFloatArray();
                double largest = 0;
                for (int k = 0; k < mask.length; k++) {
                    largest = Math.max(largest, mask[k] * Math.abs(plain[k] - sampled[k]));
                }
                assertTrue(largest > 1e-3, "open gates feed hidden states, so the tokens score differently than in plain CoT");
            }
            // the same random stream draws the same rollouts
            try (NDManager m = scope.newSubManager()) {
                Rollouts same = method.sample(model, new Batch(examples, vocabulary, m), stage, DECODING, new Random(7));
                assertEquals(java.util.Arrays.toString(tokens),
                        java.util.Arrays.toString(same.actions().get(ExplicitReasoning.TOKENS).toIntArray()));
            }
        }
    }

    /** A user relies on HRPO at initialisation answering as plain greedy chain of thought does, the gates nearly shut. */
    @Test
    void solveAtInitialisationAnswersAsGreedyChainOfThought() {
        Map<String, Object> options = Map.of(HrpoOptions.GATE_INIT, 0.999999);
        CurriculumStage stage = method.curriculum(options, 1).last();
        List<Example> questions = List.of(Mnns.example("a", 3, 1, 2), Mnns.example("b", 2, 4, 1, 3), Mnns.example("c", 5, 5),
                Mnns.example("d", 1, 2, 3, 4, 5));
        for (long seed : new long[] {41, 43}) {
            try (Backbone model = Mnns.backbone(vocabulary, 16, 2, seed); NDManager m = model.manager().newSubManager()) {
                method.initialise(model, vocabulary, options);
                Batch batch = new Batch(questions, vocabulary, m);
                List<Answer> hybrid = method.solve(model, batch, stage, new Decoding(12));
                List<Answer> plain = chainOfThought.solve(model, batch, stage, new Decoding(12));
                assertEquals(plain, hybrid, "model seed " + seed);
            }
        }
    }

    /**
     * A user relies on the supervised stage being plain chain of thought that leaves the gates without a gradient, which
     * the optimizer reads as zeros.
     */
    @Test
    void supervisedTrainingLeavesTheGatesWithoutGradient() {
        CurriculumStage stage = method.curriculum(Map.of(), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 47); NDManager m = model.manager().newSubManager()) {
            method.initialise(model, vocabulary, Map.of());
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
                collector.backward(trace.logits().logSoftmax(-1).mean());
            }
            for (String name : List.of(HybridGate.RESET_WEIGHT, HybridGate.RESET_BIAS, HybridGate.INPUT_WEIGHT,
                    HybridGate.INPUT_BIAS, HybridGate.LAMBDA)) {
                NDArray parameter = model.parameters().get(name);
                try (NDArray gradient = parameter.getGradient()) {
                    assertEquals(parameter.getShape(), gradient.getShape());
                    assertEquals(0f, gradient.abs().sum().getFloat(), name + " gets no gradient from the supervised loss");
                }
            }
        }
    }

    /** A user relies on a mistaken option or a model without the gates being named in one sentence. */
    @Test
    void mistakesAreNamed() {
        IllegalArgumentException temperature = assertThrows(IllegalArgumentException.class,
                () -> method.curriculum(Map.of(HrpoOptions.TEMPERATURE, 0), 1));
        assertTrue(temperature.getMessage().contains("'temperature' must be a positive number"), temperature.getMessage());
        IllegalArgumentException gate = assertThrows(IllegalArgumentException.class,
                () -> method.curriculum(Map.of(HrpoOptions.GATE_INIT, 1.0), 1));
        assertTrue(gate.getMessage().contains("'gateInit' must be a number between 0 and 1"), gate.getMessage());
        assertEquals(Map.of(HrpoOptions.TEMPERATURE, 0.5, HrpoOptions.GATE_INIT, 0.99, HrpoOptions.GATE_LEARNING_RATE, 20.0,
                HrpoOptions.LAMBDA_LEARNING_RATE, 200.0), method.curriculum(Map.of(), 1).last().settings());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> method.learningRateScales(Map.of(HrpoOptions.LAMBDA_LEARNING_RATE, -1)));
        assertTrue(rate.getMessage().contains("'lambdaLearningRate' must be a finite number of at least 0"), rate.getMessage());
        // the platform's optimizer trains the gates 20 times and Λ 200 times faster than the rest, as the paper's code does
        assertEquals(Map.of("hrpo.gate_r.weight", 20.0, "hrpo.gate_r.bias", 20.0, "hrpo.gate_i.weight", 20.0, "hrpo.gate_i.bias", 20.0,
                "hrpo.Lambda", 200.0), method.learningRateScales(Map.of()));
        try (Backbone model = Mnns.backbone(vocabulary, 8, 1, 1); NDManager m = model.manager().newSubManager()) {
            IllegalStateException missing = assertThrows(IllegalStateException.class, () -> method.solve(model,
                    new Batch(examples, vocabulary, m), method.curriculum(Map.of(), 1).last(), DECODING));
            assertTrue(missing.getMessage().contains("initialise the method"), missing.getMessage());
        }
    }

    private static void assertClose(float[] expected, float[] actual, float[] mask, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            if (mask[i] == 1f) {
                assertEquals(expected[i], actual[i], tolerance, "entry " + i);
            }
        }
    }
}
