package org.latentlab.method.cot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class ChainOfThoughtTest {

    static final Example EXAMPLE = new Example("e1",
            "Every wumpus is a yumpus. Every zumpus is a rempus. Tom is a wumpus. Is Tom a yumpus or rempus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());

    private final ChainOfThought method = new ChainOfThought();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(),
            List.of(EXAMPLE.question(), EXAMPLE.answer(), String.join(" ", EXAMPLE.steps())));
    private final CurriculumStage stage = method.curriculum(Map.of(), 1).last();

    @Test
    void supervisesTheStepsAndTheAnswerButNotTheQuestion() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage);
            int[] labels = trace.labels().toIntArray();
            int questionTokens = Vocabulary.words(EXAMPLE.question()).size();
            // <bos> question <sep>: positions 0..questionTokens predict question tokens and <sep>; none is supervised
            for (int t = 0; t < questionTokens + 1; t++) {
                assertEquals(LatentTrace.IGNORE, labels[t], "question position " + t);
            }
            List<String> supervised = new java.util.ArrayList<>();
            for (int label : labels) {
                if (label != LatentTrace.IGNORE) {
                    supervised.add(vocabulary.token(label));
                }
            }
            List<String> expected = new java.util.ArrayList<>(Vocabulary.words("Tom is a wumpus. Every wumpus is a yumpus."));
            expected.add(Vocabulary.ANSWER);
            expected.addAll(Vocabulary.words(EXAMPLE.answer()));
            expected.add(Vocabulary.EOS);
            assertEquals(expected, supervised);
            assertEquals(List.of(1L, (long) labels.length, (long) vocabulary.size()),
                    java.util.Arrays.stream(trace.logits().getShape().getShape()).boxed().toList());
        }
    }

    @Test
    void afterLearningOneExampleItWritesTheStepsThenTheAnswer() throws Exception {
        try (Backbone model = backbone()) {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            Engine engine = Engine.getEngine("PyTorch");
            for (int step = 0; step < 150; step++) {
                try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    LatentTrace trace = method.forward(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage);
                    NDArray loss = trace.logits().logSoftmax(-1)
                            .gather(trace.labels().maximum(0).toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(-1), -1)
                            .squeeze(-1).mul(trace.labels().neq(LatentTrace.IGNORE)).sum().neg();
                    collector.backward(loss);
                }
                for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                    try (NDArray gradient = p.getValue().getGradient()) {
                        adam.update(p.getKey(), p.getValue(), gradient);
                        gradient.subi(gradient);
                    }
                }
            }
            try (NDManager m = model.manager().newSubManager()) {
                Answer answer = method.solve(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage, new Decoding(30)).get(0);
                assertEquals(Vocabulary.words("Tom is a wumpus. Every wumpus is a yumpus."), answer.reasoning());
                assertEquals(Vocabulary.words(EXAMPLE.answer()), answer.answer());
                assertEquals(answer.reasoning().size() + 1 + answer.answer().size(), answer.generatedTokens(), "reasoning, <answer>, answer");
                assertEquals(0, answer.latentSteps());
            }
        }
    }

    @Test
    void answersWithoutAnAnswerMarkerCountAsNoAnswer() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            Answer answer = method.solve(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage, new Decoding(3)).get(0);
            assertTrue(answer.generatedTokens() <= 3, "stops at maxNewTokens");
        }
    }

    /**
     * Evaluation answers a batch at once, prompts of different lengths left-padded through one cache: each row gets the
     * answer it gets alone.
     */
    @Test
    void aBatchIsAnsweredAsEachExampleAlone() {
        Example shorter = new Example("e2", "Every zumpus is a rempus. Tom is a zumpus. Is Tom a yumpus or rempus?",
                List.of("Tom is a zumpus."), "Tom is a rempus.", Map.of());
        List<Example> examples = List.of(EXAMPLE, shorter, EXAMPLE);
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            Decoding budget = new Decoding(9);
            List<Answer> together = method.solve(model, new Batch(examples, vocabulary, m), stage, budget);
            assertEquals(3, together.size());
            for (int i = 0; i < examples.size(); i++) {
                Answer alone = method.solve(model, new Batch(List.of(examples.get(i)), vocabulary, m), stage, budget).get(0);
                assertEquals(alone, together.get(i), "example " + i + " alone and in the batch");
            }
            assertTrue(together.stream().allMatch(a -> a.generatedTokens() <= 9));
        }
    }

    /**
     * GRPO on plain chain of thought relies on this: every sampled token is an action, its log-probability is recorded
     * while sampling, and scoring the same tokens again under the same parameters (one teacher-forced pass) gives them
     * back, with gradients; each rollout ends at its first {@code <eos>} or at the token budget.
     */
    @Test
    void asAPolicyItsRolloutsScoreTheSameAgainAndEndAtEos() {
        Example shorter = new Example("e2", "Every zumpus is a rempus. Tom is a zumpus. Is Tom a yumpus or rempus?",
                List.of("Tom is a zumpus."), "Tom is a rempus.", Map.of());
        List<Example> examples = List.of(EXAMPLE, EXAMPLE, shorter);
        Decoding budget = new Decoding(12);
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(examples, vocabulary, m);
            org.latentlab.api.method.Rollouts rollouts = method.sample(model, batch, stage, budget, new java.util.Random(3));
            float[] sampled = rollouts.logProbabilities().toFloatArray();
            float[] mask = rollouts.mask().toFloatArray();
            int[] tokens = rollouts.actions().get(ChainOfThought.TOKENS).toIntArray();
            int longest = (int) rollouts.mask().getShape().get(1);
            int eos = vocabulary.id(Vocabulary.EOS);
            for (int b = 0; b < examples.size(); b++) {
                int taken = 0;
                while (taken < longest && mask[b * longest + taken] == 1f) {
                    taken++;
                }
                assertTrue(taken >= 1 && taken <= 12, "between one action and the budget");
                boolean endsAtEos = tokens[b * longest + taken - 1] == eos;
                assertTrue(endsAtEos || taken == 12, "a rollout ends at <eos> or at the budget");
                Answer answer = rollouts.answers().get(b);
                assertEquals(endsAtEos ? taken - 1 : taken, answer.generatedTokens(), "<eos> is an action, not a generated token");
            }
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray again = method.logProbabilities(model, batch, rollouts, stage);
                float[] scored = again.toFloatArray();
                for (int i = 0; i < scored.length; i++) {
                    if (mask[i] == 1f) {
                        assertEquals(sampled[i], scored[i], 1e-4, "action " + i);
                        assertTrue(sampled[i] <= 0, "a log-probability");
                    }
                }
                collector.backward(again.mul(rollouts.mask()).sum());
            }
            NDArray embedding = model.parameters().values().iterator().next();
            assertTrue(embedding.getGradient().abs().sum().getFloat() > 0, "gradients reach the parameters");
        }
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 32, 1, 2, 128), ai.djl.Device.cpu(), 3);
    }
}
