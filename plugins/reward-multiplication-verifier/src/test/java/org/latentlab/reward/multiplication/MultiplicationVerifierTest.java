package org.latentlab.reward.multiplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.dataset.multiplication.MultiplicationAdapter;

class MultiplicationVerifierTest {

    private static final double EPS = 1e-12;

    private final MultiplicationVerifier verifier = new MultiplicationVerifier();

    /** 2365 × 4347, the first line of the published 4x4_valid.txt, digits least significant first as written there. */
    private final Example first = new Example("4x4_valid-1", "5 6 3 2 * 7 4 3 4",
            List.of("5 5 5 6 1", "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )", "+ 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )", "+ 0 0 0 0 6 4 9 0"),
            "5 5 6 0 8 2 0 1", Map.of());

    @Test
    void theGoldStepsAndAnswerEarnOne() throws IOException {
        assertEquals(1.0, verifier.score(first, gold(first), Map.of()));
        for (int digits = 1; digits <= 6; digits++) {
            for (Example example : generated(digits)) {
                assertEquals(1.0, verifier.score(example, gold(example), Map.of()), example.id() + ": " + example.question());
            }
        }
    }

    @Test
    void everyPublishedProblemsGoldStepsEarnOne() throws IOException {
        for (String name : List.of("4x4_valid.txt", "5x5_valid.txt")) {
            List<Example> examples = new MultiplicationAdapter().read(PublishedData.file(name));
            assertEquals(1000, examples.size(), name);
            for (Example example : examples) {
                assertEquals(1.0, verifier.score(example, gold(example), Map.of()), example.id());
            }
        }
    }

    @Test
    void theOperandsAreReadLeastSignificantDigitFirst() {
        // the same steps under the question written most significant digit first belong to 2365 × 7434 read backwards
        Example reversed = new Example("reversed-1", "2 3 6 5 * 4 3 4 7", first.steps(), first.answer(), Map.of());
        assertTrue(verifier.score(reversed, gold(first), Map.of()) < 0.5);
    }

    @Test
    void aWrongPartialProductCostsItsCheckAndTheNextRunningSum() {
        List<String> steps = new ArrayList<>(first.steps());
        steps.set(1, "+ 0 0 6 4 9 1 ( 5 5 1 1 1 1 )");
        assertEquals(5.0 / 7, verifier.score(first, answer(steps, first.answer()), Map.of()), EPS,
                "the partial product and its running sum fail; the later sum and the answer follow the stated sum");
        steps.set(0, "5 5 5 6 2");
        assertEquals(4.0 / 7, verifier.score(first, answer(steps, first.answer()), Map.of()), EPS,
                "the first partial product and the next step's partial product and sum fail");
    }

    @Test
    void aRunningSumThatIsNotTheSumOfTheStepsFails() {
        List<String> steps = new ArrayList<>(first.steps());
        steps.set(2, "+ 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 1 )");
        assertEquals(5.0 / 7, verifier.score(first, answer(steps, first.answer()), Map.of()), EPS,
                "its own check fails, and the answer no longer equals the stated total plus the last partial product");
        assertEquals(6.0 / 7, verifier.score(first, answer(steps, "5 5 6 0 8 2 1 1"), Map.of()), EPS,
                "an answer that follows the stated sum is consistent with it");
    }

    @Test
    void theRightAnswerWithWrongStepsEarnsLessThanOne() {
        List<String> wrong = List.of("5 5 5 6 1", "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )", "+ 0 0 0 0 6 4 9 0", "+ 0 0 5 9 0 7 0");
        assertTrue(verifier.score(first, answer(wrong, first.answer()), Map.of()) < 1.0);
        assertEquals(0.0, verifier.score(first, answer(List.of(), first.answer()), Map.of()), "no steps, nothing to check it by");
        List<String> shifted = new ArrayList<>(first.steps());
        shifted.set(1, "+ 0 6 4 9 0 ( 5 5 1 1 1 1 )");
        assertTrue(verifier.score(first, answer(shifted, first.answer()), Map.of()) < 1.0, "a partial product shifted too little");
    }

    @Test
    void aWrongAnswerAfterTheRightStepsFailsOneCheck() {
        assertEquals(6.0 / 7, verifier.score(first, answer(first.steps(), "5 5 6 0 8 2 0 2"), Map.of()), EPS);
        assertEquals(6.0 / 7, verifier.score(first, answer(first.steps(), "5 5 6 0 8 2 0 1 0"), Map.of()), EPS,
                "the answer is written in n + m digits");
    }

    @Test
    void missingExtraAndMisformedStepsFail() {
        assertEquals(3.0 / 7, verifier.score(first, answer(first.steps().subList(0, 2), first.answer()), Map.of()), EPS,
                "two steps short: their partial products, the sum they owe and the answer fail");
        List<String> extra = new ArrayList<>(first.steps());
        extra.add("+ 0 0 0 0 0 0 0 0");
        assertEquals(7.0 / 8, verifier.score(first, answer(extra, first.answer()), Map.of()), EPS);
        List<String> noPlus = new ArrayList<>(first.steps());
        noPlus.set(0, "+ 5 5 5 6 1");
        assertEquals(6.0 / 7, verifier.score(first, answer(noPlus, first.answer()), Map.of()), EPS, "the first step has no '+'");
        List<String> lastWithSum = new ArrayList<>(first.steps());
        lastWithSum.set(3, "+ 0 0 0 0 6 4 9 0 ( 5 5 6 0 8 2 0 1 )");
        assertEquals(6.0 / 7, verifier.score(first, answer(lastWithSum, first.answer()), Map.of()), EPS, "the last step states no sum");
    }

    @Test
    void aQuestionNotInTheDatasetsFormIsRefusedNamingTheExample() {
        List<String> questions = List.of("5 6 3 2 x 7 4 3 4", "2365 * 4347", "5 6 3 2 *", "* 7 4 3 4", "5 6 3 2 * 7 4 * 3 4",
                "Every terpus is a brimpus. Is Tom a terpus or brimpus?", "");
        for (int i = 0; i < questions.size(); i++) {
            Example example = new Example("malformed-" + i, questions.get(i), List.of(), "0", Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> verifier.score(example, gold(first), Map.of()));
            assertTrue(e.getMessage().startsWith("The question of example " + example.id() + " is not a multiplication"), e.getMessage());
            assertTrue(e.getMessage().endsWith("."), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void everyScoreIsFiniteAndBetweenZeroAndOne() throws IOException {
        Random random = new Random(5);
        List<String> alphabet = List.of("0", "1", "5", "9", "+", "(", ")", "<pad>", "*");
        for (Example example : generated(4)) {
            for (int trial = 0; trial < 50; trial++) {
                List<String> reasoning = new ArrayList<>(gold(example).reasoning());
                int edits = random.nextInt(6);
                for (int e = 0; e < edits && !reasoning.isEmpty(); e++) {
                    int at = random.nextInt(reasoning.size());
                    switch (random.nextInt(3)) {
                        case 0 -> reasoning.set(at, alphabet.get(random.nextInt(alphabet.size())));
                        case 1 -> reasoning.remove(at);
                        default -> reasoning.add(at, alphabet.get(random.nextInt(alphabet.size())));
                    }
                }
                List<String> reply = random.nextBoolean() ? Vocabulary.words(example.answer()) : reasoning.subList(0, Math.min(8, reasoning.size()));
                double score = verifier.score(example, new Answer(reasoning, reply, reasoning.size(), 0), Map.of());
                assertTrue(Double.isFinite(score) && score >= 0 && score <= 1, example.id() + ": " + score);
            }
        }
    }

    private static List<Example> generated(int digits) throws IOException {
        return new MultiplicationAdapter().load(new DatasetSpec("multiplication", 25, 1, 1, Map.of("digits", digits)), 11L).train();
    }

    private static Answer gold(Example example) {
        return answer(example.steps(), example.answer());
    }

    /** The tokens a model writes for the steps, one after the other, as the token layout lays them out. */
    private static Answer answer(List<String> steps, String answer) {
        List<String> reasoning = new ArrayList<>();
        for (String step : steps) {
            reasoning.addAll(Vocabulary.words(step));
        }
        List<String> tokens = Vocabulary.words(answer);
        return new Answer(reasoning, tokens, reasoning.size() + tokens.size() + 1, 0);
    }
}
