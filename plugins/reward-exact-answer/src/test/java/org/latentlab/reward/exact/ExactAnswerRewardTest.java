package org.latentlab.reward.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;
import org.junit.jupiter.api.Test;

class ExactAnswerRewardTest {

    private final ExactAnswerReward reward = new ExactAnswerReward();
    private final Example example = new Example("1", "3 1 4 2", List.of("3", "2", "-2", "0"), "0", Map.of());

    @Test
    void theExpectedAnswerEarnsOne() {
        assertEquals(1.0, reward.score(example, new Answer(List.of(), List.of("0"), 3, 3), Map.of()));
    }

    @Test
    void anyOtherAnswerEarnsNothing() {
        assertEquals(0.0, reward.score(example, new Answer(List.of(), List.of("2"), 3, 3), Map.of()));
        assertEquals(0.0, reward.score(example, new Answer(List.of(), List.of("0", "0"), 3, 3), Map.of()), "a longer answer is wrong");
        assertEquals(0.0, reward.score(example, new Answer(List.of("0"), List.of(), 3, 0), Map.of()), "no answer is wrong");
    }

    @Test
    void theAnswerIsComparedWordByWordAsEvaluationDoes() {
        Example sentence = new Example("2", "q", List.of(), "Tom is a zumpus.", Map.of());
        assertEquals(1.0, reward.score(sentence, new Answer(List.of(), List.of("Tom", "is", "a", "zumpus", "."), 5, 0), Map.of()));
    }

    @Test
    void perLatentDividesTheRewardByTheLatentSteps() {
        Map<String, Object> perLatent = Map.of(ExactAnswerReward.PER_LATENT, true);
        assertEquals(0.25, reward.score(example, new Answer(List.of(), List.of("0"), 1, 4), perLatent), "CoLaR: accuracy / latents");
        assertEquals(1.0 / 3, reward.score(example, new Answer(List.of(), List.of("0"), 3, 3), perLatent), 1e-12);
        assertEquals(0.0, reward.score(example, new Answer(List.of(), List.of("2"), 1, 4), perLatent), "a wrong answer earns nothing");
        assertEquals(1.0, reward.score(example, new Answer(List.of("3", "2"), List.of("0"), 3, 0), perLatent),
                "no latent steps: the reward is undivided");
        assertEquals(1.0, reward.score(example, new Answer(List.of(), List.of("0"), 1, 4), Map.of(ExactAnswerReward.PER_LATENT, false)));
        assertEquals(1.0, reward.score(example, new Answer(List.of(), List.of("0"), 1, 4), Map.of()), "off by default");
        assertTrue(reward.options().contains(ExactAnswerReward.PER_LATENT));
    }

    @Test
    void aPerLatentThatIsNoBooleanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> reward.score(example, new Answer(List.of(), List.of("0"), 1, 4), Map.of(ExactAnswerReward.PER_LATENT, "yes")));
        assertTrue(e.getMessage().contains("perLatent"), e.getMessage());
    }
}
