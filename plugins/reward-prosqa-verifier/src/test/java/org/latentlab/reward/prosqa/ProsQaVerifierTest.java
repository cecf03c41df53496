package org.latentlab.reward.prosqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.dataset.prosqa.ProsQaAdapter;

class ProsQaVerifierTest {

    private static final double EPS = 1e-12;

    private final ProsQaVerifier verifier = new ProsQaVerifier();
    private final List<Example> generated = new ProsQaAdapter()
            .load(new DatasetSpec("prosqa", 40, 1, 1, Map.of()), 20240611L).train();

    /** The first published problem, as the prosqa adapter reads it from the Coconut repository's file. */
    private final Example published = new Example("prosqa_valid-0", "Every shumpus is a rempus. Every shumpus is a yimpus. "
            + "Every terpus is a fompus. Every terpus is a gerpus. Every gerpus is a brimpus. Alex is a rempus. "
            + "Every rorpus is a scrompus. Every rorpus is a yimpus. Every terpus is a brimpus. Every brimpus is a lempus. "
            + "Tom is a terpus. Every shumpus is a timpus. Every yimpus is a boompus. Davis is a shumpus. "
            + "Every gerpus is a lorpus. Davis is a fompus. Every shumpus is a boompus. Every shumpus is a rorpus. "
            + "Every terpus is a lorpus. Every boompus is a timpus. Every fompus is a yerpus. Tom is a dumpus. "
            + "Every rempus is a rorpus. Is Tom a lempus or scrompus?",
            List.of("Tom is a terpus.", "Every terpus is a brimpus.", "Every brimpus is a lempus."), "Tom is a lempus.", Map.of());

    @Test
    void theGoldReasoningAndAnswerEarnOne() {
        assertEquals(1.0, verifier.score(published, gold(published), Map.of()));
        for (Example example : generated) {
            assertEquals(1.0, verifier.score(example, gold(example), Map.of()), example.id());
        }
    }

    @Test
    void everyPublishedProblemsGoldReasoningEarnsOne() throws IOException {
        Path file = PublishedData.validation();
        List<Example> examples = new ProsQaAdapter().read(file);
        assertEquals(300, examples.size());
        for (Example example : examples) {
            assertEquals(1.0, verifier.score(example, gold(example), Map.of()), example.id());
        }
    }

    @Test
    void aStepThatIsNoEdgeBreaksTheChainThere() {
        // the person is no "scrompus" (the option it cannot reach), so "Every terpus is a scrompus." is no fact
        List<String> steps = List.of("Tom is a terpus.", "Every terpus is a scrompus.", "Every brimpus is a lempus.");
        double score = verifier.score(published, answer(steps, published.answer()), Map.of());
        assertEquals(1.0 / 3, score, EPS, "one leading valid step of three; the answer follows the last step");
        for (Example example : generated) {
            List<String> broken = new ArrayList<>(example.steps());
            String reached = object(broken.get(0));
            broken.set(1, "Every " + reached + " is a " + unreachableOption(example) + ".");
            double s = verifier.score(example, answer(broken, example.answer()), Map.of());
            assertEquals(1.0 / broken.size(), s, EPS, example.id());
        }
    }

    @Test
    void aChainThatDoesNotStartAtTheAskedPersonEarnsNothingForItsSteps() {
        // facts of the question, chained, but from Davis, not the asked Tom
        List<String> steps = List.of("Davis is a shumpus.", "Every shumpus is a rorpus.", "Every rorpus is a scrompus.");
        assertEquals(0.0, verifier.score(published, answer(steps, "Tom is a scrompus."), Map.of()));
        for (Example example : generated) {
            List<String> headless = example.steps().subList(1, example.steps().size());
            assertEquals(0.0, verifier.score(example, answer(headless, example.answer()), Map.of()), example.id());
        }
    }

    @Test
    void theRightAnswerWithWrongStepsEarnsLessThanOne() {
        List<String> skipping = List.of("Tom is a terpus.", "Every terpus is a lempus.");
        assertEquals(0.5, verifier.score(published, answer(skipping, "Tom is a lempus."), Map.of()), EPS,
                "the second step is no fact: one of two steps valid");
        assertEquals(0.0, verifier.score(published, answer(List.of(), "Tom is a lempus."), Map.of()),
                "no stated reasoning earns nothing");
        List<String> shuffled = new ArrayList<>(published.steps());
        Collections.swap(shuffled, 0, 2);
        assertTrue(verifier.score(published, answer(shuffled, "Tom is a lempus."), Map.of()) < 1.0);
    }

    @Test
    void aValidChainWhoseAnswerDoesNotFollowEarnsHalf() {
        assertEquals(ProsQaVerifier.ANSWER_MISSED, verifier.score(published, answer(published.steps(), "Tom is a scrompus."), Map.of()));
        assertEquals(ProsQaVerifier.ANSWER_MISSED, verifier.score(published, answer(published.steps(), "lempus"), Map.of()),
                "the dataset writes the answer as a sentence");
        assertEquals(ProsQaVerifier.ANSWER_MISSED, verifier.score(published,
                answer(published.steps().subList(0, 2), "Tom is a lempus."), Map.of()), "a chain that stops short reaches no option");
    }

    @Test
    void withoutPartialCreditTheScoreIsOneOrZero() {
        Map<String, Object> strict = Map.of(ProsQaVerifier.PARTIAL_CREDIT, false);
        assertEquals(1.0, verifier.score(published, gold(published), strict));
        assertEquals(0.0, verifier.score(published, answer(published.steps(), "Tom is a scrompus."), strict));
        assertEquals(0.0, verifier.score(published, answer(List.of("Tom is a terpus.", "Every terpus is a lempus."), "Tom is a lempus."), strict));
        assertTrue(verifier.options().contains(ProsQaVerifier.PARTIAL_CREDIT));
    }

    @Test
    void aPartialCreditThatIsNoBooleanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> verifier.score(published, gold(published), Map.of(ProsQaVerifier.PARTIAL_CREDIT, "yes")));
        assertTrue(e.getMessage().contains("partialCredit"), e.getMessage());
    }

    @Test
    void aQuestionNotInProsQaFormIsRefusedNamingTheExample() {
        List<Example> malformed = List.of(
                new Example("pronto-7", "Every wumpus is a tumpus. Wumpuses are dull. Alex is a wumpus. True or false: Alex is dull.",
                        List.of(), "True", Map.of()),
                new Example("no-question-3", "Every terpus is a brimpus. Tom is a terpus.", List.of(), "Tom is a brimpus.", Map.of()),
                new Example("one-option-4", "Tom is a terpus. Every terpus is a brimpus. Is Tom a brimpus?", List.of(),
                        "Tom is a brimpus.", Map.of()),
                new Example("empty-5", "", List.of(), "", Map.of()));
        for (Example example : malformed) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> verifier.score(example, gold(published), Map.of()));
            assertTrue(e.getMessage().startsWith("The question of example " + example.id() + " is not in ProsQA's form"), e.getMessage());
            assertTrue(e.getMessage().endsWith("."), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void everyScoreIsFiniteAndBetweenZeroAndOne() {
        Random random = new Random(3);
        for (Example example : generated) {
            List<String> facts = new ArrayList<>(List.of(example.question().split("(?<=\\.) ")));
            facts.remove(facts.size() - 1);
            for (int trial = 0; trial < 50; trial++) {
                List<String> steps = new ArrayList<>();
                int length = random.nextInt(8);
                for (int i = 0; i < length; i++) {
                    steps.add(random.nextInt(3) == 0 ? example.steps().get(random.nextInt(example.steps().size()))
                            : facts.get(random.nextInt(facts.size())));
                }
                List<String> reasoning = words(steps);
                if (random.nextBoolean() && !reasoning.isEmpty()) {
                    reasoning = reasoning.subList(0, random.nextInt(reasoning.size()));
                }
                String reply = random.nextBoolean() ? example.answer() : "Tom is a " + unreachableOption(example) + ".";
                double score = verifier.score(example, new Answer(reasoning, Vocabulary.words(reply), reasoning.size(), 0), Map.of());
                assertTrue(Double.isFinite(score) && score >= 0 && score <= 1, example.id() + ": " + score);
            }
        }
    }

    private static Answer gold(Example example) {
        return answer(example.steps(), example.answer());
    }

    private static Answer answer(List<String> steps, String answer) {
        List<String> reasoning = words(steps);
        List<String> tokens = Vocabulary.words(answer);
        return new Answer(reasoning, tokens, reasoning.size() + tokens.size() + 1, 0);
    }

    /** The tokens a model writes for the steps, one after the other, as the token layout lays them out. */
    private static List<String> words(List<String> steps) {
        List<String> tokens = new ArrayList<>();
        for (String step : steps) {
            tokens.addAll(Vocabulary.words(step));
        }
        return tokens;
    }

    /** The last word of "... is a X.": the concept a fact ends at. */
    private static String object(String fact) {
        List<String> words = Vocabulary.words(fact);
        return words.get(words.size() - 2);
    }

    /** The option of "Is Tom a A or B?" that the answer does not name. */
    private static String unreachableOption(Example example) {
        List<String> words = Vocabulary.words(example.question());
        String first = words.get(words.size() - 4);
        String second = words.get(words.size() - 2);
        return example.answer().contains(" " + first + ".") ? second : first;
    }
}
