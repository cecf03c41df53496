package org.latentlab.method.latentseek;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDManager;
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
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.TestTimeSearch.Found;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Taps;

/** LatentSeek on a small untrained backbone on the CPU: the search, its budget, and the model it must leave as it was. */
class LatentSeekTest {

    static final Example E312 = Mnns.example("e312", 3, 1, 2);
    static final Example E2413 = Mnns.example("e2413", 2, 4, 1, 3);
    static final Decoding DECODING = new Decoding(12);

    private final LatentSeek method = new LatentSeek();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);

    /**
     * A user relies on a search whose first greedy answer already earns the threshold costing one decode and changing
     * nothing: the answer is plain greedy chain of thought's, and the model's parameters are bit for bit what they were.
     */
    @Test
    void aMaximalRewardStopsAfterTheGreedyAnswer() {
        CurriculumStage stage = method.curriculum(Map.of(), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 11); NDManager m = model.manager().newSubManager()) {
            Map<String, float[]> before = Models.parameters(model);
            Batch batch = new Batch(List.of(E312, E2413), vocabulary, m);
            List<Answer> greedy = method.solve(model, batch, stage, DECODING);
            List<Found> found = method.search(model, batch, stage, DECODING, (example, answer) -> 1.0);
            assertEquals(2, found.size());
            for (int b = 0; b < 2; b++) {
                assertEquals(1, found.get(b).decodes());
                assertEquals(1.0, found.get(b).reward());
                assertEquals(greedy.get(b), found.get(b).answer());
            }
            assertSame(before, Models.parameters(model));
        }
    }

    /**
     * A user relies on the policy gradient on the first latents moving the answer where the reward points: with a
     * reward of 1 only for a first token the greedy answer does not write, the search reaches it within its iterations,
     * and the model's parameters, and the gradients they had recorded, come out as they were.
     */
    @Test
    void thePolicyGradientOnTheLatentsReachesTheRewardedFirstToken() {
        CurriculumStage stage = method.curriculum(Map.of(), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 11); NDManager m = model.manager().newSubManager()) {
            int[] ranking = Models.firstTokenRanking(model, E312, vocabulary, m);
            String greedyFirst = vocabulary.token(ranking[0]);
            String wanted = vocabulary.token(ranking[1]);
            Batch batch = new Batch(List.of(E312), vocabulary, m);
            assertEquals(greedyFirst, Models.firstToken(method.solve(model, batch, stage, DECODING).get(0)));
            recordSomeGradients(model, m);
            Map<String, float[]> parameters = Models.parameters(model);
            Map<String, float[]> gradients = Models.gradients(model);
            List<String> seen = new ArrayList<>();
            Found found = method.search(model, batch, stage, DECODING, (example, answer) -> {
                seen.add(Models.firstToken(answer));
                return wanted.equals(Models.firstToken(answer)) ? 1.0 : 0.0;
            }).get(0);
            assertEquals(1.0, found.reward());
            assertEquals(wanted, Models.firstToken(found.answer()));
            assertEquals(seen.size(), found.decodes());
            assertTrue(found.decodes() > 1 && found.decodes() <= 11, "decodes " + found.decodes());
            assertSame(parameters, Models.parameters(model));
            assertSame(gradients, Models.gradients(model));
        }
    }

    /** Gradients on every parameter, as a training step would have left them. */
    private static void recordSomeGradients(Backbone model, NDManager manager) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
            var hidden = model.forward(model.embed(scope.create(new int[] {1, 5, 6, 2}, new Shape(1, 4))), 0, null, Taps.LOGITS);
            collector.backward(hidden.logits().square().sum());
        }
    }

    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name));
    }

    /** A user relies on the method training and answering as cot does, and telling the platform it can search. */
    @Test
    void itTrainsAndAnswersAsChainOfThoughtAndCanSearch() {
        assertTrue(method.provides().contains(Capability.TEST_TIME_SEARCH));
        assertEquals(new ChainOfThought().provides(), method.provides().stream().filter(c -> c != Capability.TEST_TIME_SEARCH)
                .collect(java.util.stream.Collectors.toSet()));
        CurriculumStage stage = method.curriculum(Map.of(), 3).last();
        assertEquals(3, stage.epochs());
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 5); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(List.of(E312, E2413), vocabulary, m);
            LatentTrace ours = method.forward(model, batch, stage);
            LatentTrace cot = new ChainOfThought().forward(model, batch, stage);
            assertArrayEquals(cot.labels().toIntArray(), ours.labels().toIntArray());
            assertArrayEquals(cot.logits().toFloatArray(), ours.logits().toFloatArray());
            assertEquals(new ChainOfThought().solve(model, batch, stage, DECODING), method.solve(model, batch, stage, DECODING));
        }
    }

    /** The cot method as the platform has it: reasoning is the example's steps. */
    static final class ChainOfThought extends ExplicitReasoning {
        @Override
        protected List<String> reasoning(Example example) {
            return example.steps();
        }
    }
}
