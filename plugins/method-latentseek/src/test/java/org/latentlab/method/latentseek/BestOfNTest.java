package org.latentlab.method.latentseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Capability;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.TestTimeSearch.Found;
import org.latentlab.api.model.Backbone;

/** Best-of-N on a small untrained backbone on the CPU: its budget, its stopping rule and the answer it keeps. */
class BestOfNTest {

    private final BestOfN method = new BestOfN();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);

    /** A user relies on a greedy answer that already earns the threshold costing one decode: it is greedy CoT's answer. */
    @Test
    void aMaximalRewardStopsAfterTheGreedyAnswer() {
        CurriculumStage stage = method.curriculum(Map.of(), 1).last();
        assertTrue(method.provides().contains(Capability.TEST_TIME_SEARCH));
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 11); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(List.of(LatentSeekTest.E312, LatentSeekTest.E2413), vocabulary, m);
            List<Answer> greedy = method.solve(model, batch, stage, LatentSeekTest.DECODING);
            List<Found> found = method.search(model, batch, stage, LatentSeekTest.DECODING, (example, answer) -> 1.0);
            for (int b = 0; b < 2; b++) {
                assertEquals(new Found(greedy.get(b), 1, 1.0), found.get(b));
            }
        }
    }

    /**
     * A user relies on the search stopping at the first sample that reaches the threshold, within the budget of
     * {@code samples} decodes, the greedy answer first.
     */
    @Test
    void itStopsAtTheFirstSampleReachingTheThreshold() {
        CurriculumStage stage = method.curriculum(Map.of(BestOfNOptions.SAMPLES, 30, BestOfNOptions.SEED, 3), 1).last();
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 11); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(List.of(LatentSeekTest.E312), vocabulary, m);
            String greedyFirst = Models.firstToken(method.solve(model, batch, stage, LatentSeekTest.DECODING).get(0));
            List<Double> rewards = new ArrayList<>();
            Found found = method.search(model, batch, stage, LatentSeekTest.DECODING, (example, answer) -> {
                double r = greedyFirst.equals(Models.firstToken(answer)) ? 0.0 : 1.0;
                rewards.add(r);
                return r;
            }).get(0);
            assertEquals(rewards.size(), found.decodes());
            assertTrue(found.decodes() > 1 && found.decodes() <= 30, "decodes " + found.decodes());
            assertEquals(1.0, rewards.get(rewards.size() - 1));
            assertEquals(0, rewards.subList(0, rewards.size() - 1).stream().filter(r -> r > 0).count());
            assertEquals(1.0, found.reward());
        }
    }

    /**
     * A user relies on an unreached threshold spending exactly {@code samples} decodes and keeping the best-rewarded
     * answer, the earliest of equals, and on the same seed drawing the same samples; a temperature other than 1 keeps
     * the same budget.
     */
    @Test
    void itKeepsTheBestOfItsBudget() {
        for (double temperature : new double[] {1.0, 0.5}) {
            CurriculumStage stage = method.curriculum(Map.of(BestOfNOptions.SAMPLES, 6, BestOfNOptions.THRESHOLD, 100,
                    BestOfNOptions.TEMPERATURE, temperature), 1).last();
            try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 11); NDManager m = model.manager().newSubManager()) {
                Batch batch = new Batch(List.of(LatentSeekTest.E312), vocabulary, m);
                List<Answer> seen = new ArrayList<>();
                TestScore length = (example, answer) -> {
                    seen.add(answer);
                    return Math.min(answer.generatedTokens(), 5);   // ties likely: several answers as long as 5 or more
                };
                Found found = method.search(model, batch, stage, LatentSeekTest.DECODING, length::of).get(0);
                assertEquals(6, found.decodes());
                assertEquals(6, seen.size());
                double best = seen.stream().mapToDouble(a -> Math.min(a.generatedTokens(), 5)).max().orElseThrow();
                assertEquals(best, found.reward());
                Answer earliest = seen.stream().filter(a -> Math.min(a.generatedTokens(), 5) == best).findFirst().orElseThrow();
                assertEquals(earliest, found.answer());
                Found again = method.search(model, batch, stage, LatentSeekTest.DECODING, (example, answer) -> Math.min(answer.generatedTokens(), 5))
                        .get(0);
                assertEquals(found, again);
            }
        }
    }

    /** A reward that records what it saw. */
    @FunctionalInterface
    private interface TestScore {
        double of(org.latentlab.api.data.Example example, Answer answer);
    }
}
