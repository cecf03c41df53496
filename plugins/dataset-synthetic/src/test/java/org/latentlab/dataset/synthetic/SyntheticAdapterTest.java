package org.latentlab.dataset.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

class SyntheticAdapterTest {

    private final SyntheticAdapter adapter = new SyntheticAdapter();

    private Dataset load(int train, int validation, int test, Map<String, Object> options, long seed) {
        return adapter.load(new DatasetSpec("synthetic", train, validation, test, options), seed);
    }

    private static List<Example> all(Dataset d) {
        return Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).toList();
    }

    private static List<String> words(String text) {
        return List.of(text.split(" "));
    }

    /** A benchmark compares runs of the same spec, so the same seed must give the same examples, split by split. */
    @Test
    void theSameSeedGivesTheSameData() {
        Dataset a = load(300, 50, 60, null, 42L);
        assertEquals(a, load(300, 50, 60, null, 42L));
        assertEquals(List.of(300, 50, 60), List.of(a.train().size(), a.validation().size(), a.test().size()));
        assertEquals("train-0", a.train().get(0).id());
        assertEquals("test-59", a.test().get(59).id());
        Dataset larger = load(900, 50, 60, null, 42L);
        assertEquals(a.test(), larger.test(), "the test split does not depend on the training size");
        assertEquals(a.train(), larger.train().subList(0, 300), "example i depends on the seed and i, not on the split's size");
        Dataset sizes = adapter.load(new DatasetSpec("synthetic", null, null, null, null), 42L);
        assertEquals(List.of(1000, 100, 200), List.of(sizes.train().size(), sizes.validation().size(), sizes.test().size()),
                "the spec's default sizes");
    }

    @Test
    void differentSeedsGiveDifferentData() {
        Dataset a = load(200, 20, 20, null, 1L);
        Dataset b = load(200, 20, 20, null, 2L);
        assertNotEquals(a.train(), b.train());
        assertNotEquals(a.test(), b.test());
        Set<String> shared = a.train().stream().map(Example::question).collect(Collectors.toSet());
        shared.retainAll(b.train().stream().map(Example::question).collect(Collectors.toSet()));
        assertTrue(shared.isEmpty(), "two seeds share " + shared.size() + " of 200 questions");
        Set<String> firstSteps = new HashSet<>();
        a.train().forEach(e -> firstSteps.add(e.steps().get(0)));
        assertTrue(firstSteps.size() > 100, "the first step varies across examples: " + firstSteps.size());
    }

    /**
     * The defaults: 85 distinct words of w000 … w505 per question, six one-word steps copying q0 … q5, the answer the
     * sixth step; every one of the 506 words turns up.
     */
    @Test
    void theDefaultsFollowTheRule() {
        Dataset d = load(500, 20, 20, null, 7L);
        Set<String> seen = new HashSet<>();
        for (Example e : all(d)) {
            List<String> q = words(e.question());
            assertEquals(85, q.size(), e.id());
            assertEquals(85, new HashSet<>(q).size(), e.id() + ": a question's words are distinct");
            for (String w : q) {
                assertTrue(w.matches("w[0-9]{3}") && Integer.parseInt(w.substring(1)) < 506, w);
                assertEquals(List.of(w), Vocabulary.words(w), "every word is one token");
            }
            assertEquals(q.subList(0, 6), e.steps(), e.id());
            assertEquals(q.get(5), e.answer(), e.id());
            assertEquals(e.steps().get(5), e.answer());
            seen.addAll(q);
        }
        assertEquals(506, seen.size());
        List<String> questions = all(d).stream().map(Example::question).toList();
        assertEquals(questions.size(), new HashSet<>(questions).size(), "no question is in two splits");
    }

    /** Each option changes the shape it names, and the rule holds for every shape. */
    @Test
    void shapesFollowTheOptions() {
        Map<String, Object> options = Map.of("words", 50, "questionTokens", 20, "steps", 4, "stepTokens", 3);
        for (Example e : load(100, 0, 0, options, 3L).train()) {
            List<String> q = words(e.question());
            assertEquals(20, q.size());
            assertEquals(4, e.steps().size());
            for (int t = 0; t < 4; t++) {
                assertEquals(q.subList(3 * t, 3 * t + 3), words(e.steps().get(t)), e.id() + " step " + (t + 1));
            }
            assertEquals(q.get(11), e.answer());
            assertEquals(1, words(e.answer()).size());
            q.forEach(w -> assertTrue(w.matches("w0[0-4][0-9]"), w));
            assertFalse(e.extras().containsKey(Example.STEP_DISTRIBUTIONS), "steps of three words carry no distributions");
        }
        for (Example e : load(100, 0, 0, Map.of("branches", 4), 3L).train()) {
            List<String> q = words(e.question());
            assertEquals(85, q.size());
            assertEquals(List.of(q.get(0), q.get(4), q.get(8), q.get(12), q.get(16), q.get(20)), e.steps());
            assertEquals(q.get(20), e.answer());
            List<?> distributions = (List<?>) e.extras().get(Example.STEP_DISTRIBUTIONS);
            for (int t = 0; t < 6; t++) {
                assertEquals(Set.copyOf(q.subList(4 * t, 4 * t + 4)), ((Map<?, ?>) distributions.get(t)).keySet());
            }
        }
        // more than 999 words widen the names, and each is still one token
        Example wide = load(1, 0, 0, Map.of("words", 1200, "questionTokens", "30", "steps", 2), 3L).train().get(0);
        words(wide.question()).forEach(w -> assertTrue(w.matches("w[0-9]{4}") && Integer.parseInt(w.substring(1)) < 1200, w));
        assertEquals(2, wide.steps().size());
        // the smallest shape: every ordering of 2 of 3 words, all six drawn
        Dataset every = load(4, 1, 1, Map.of("words", 3, "questionTokens", 2, "steps", 2), 9L);
        assertEquals(Set.of("w000 w001", "w001 w000", "w000 w002", "w002 w000", "w001 w002", "w002 w001"),
                all(every).stream().map(Example::question).collect(Collectors.toSet()));
    }

    /** CoT2 trains toward the distributions: each sums to 1 over B distinct words, the written step among them. */
    @Test
    void stepDistributionsSumToOneAndHoldTheWrittenWord() {
        for (int branches : List.of(1, 2, 3, 7, 14)) {
            for (Example e : load(50, 5, 5, Map.of("branches", branches), 11L).train()) {
                List<?> distributions = (List<?>) e.extras().get(Example.STEP_DISTRIBUTIONS);
                assertEquals(e.steps().size(), distributions.size(), e.id());
                for (int t = 0; t < distributions.size(); t++) {
                    Map<?, ?> step = (Map<?, ?>) distributions.get(t);
                    assertEquals(branches, step.size(), e.id() + " step " + (t + 1));
                    double total = 0;
                    for (Object weight : step.values()) {
                        assertEquals(1.0 / branches, ((Number) weight).doubleValue(), 1e-15);
                        total += ((Number) weight).doubleValue();
                    }
                    assertEquals(1.0, total, 1e-12, e.id() + " step " + (t + 1));
                    assertTrue(step.containsKey(e.steps().get(t)), e.id() + ": the written step " + e.steps().get(t)
                            + " is in its distribution " + step);
                    step.keySet().forEach(w -> assertEquals(List.of(w), Vocabulary.words((String) w)));
                }
                assertEquals(e.answer(), e.steps().get(e.steps().size() - 1), "CoT2 replaces the last step by the answer");
            }
        }
    }

    /** A bad option is refused before the run starts, by checkOptions and load alike, with one sentence naming it. */
    @Test
    void unknownOrBadOptionsAreRefused() {
        assertEquals("The synthetic dataset has no option 'vocabulary'; it accepts words, questionTokens, steps, stepTokens, "
                + "branches, promptTokens.", refused(Map.of("vocabulary", 512)));
        assertEquals("The synthetic option 'words' is 1; it must be between 2 and 100000.", refused(Map.of("words", 1)));
        assertEquals("The synthetic option 'words' is 100001; it must be between 2 and 100000.",
                refused(Map.of("words", 100_001)));
        assertEquals("The synthetic option 'words' must be a whole number of words, not '4.5'.", refused(Map.of("words", 4.5)));
        assertEquals("The synthetic option 'steps' is 0; it must be at least 1.", refused(Map.of("steps", 0)));
        assertEquals("The synthetic option 'steps' must be a whole number of steps, not 'six'.", refused(Map.of("steps", "six")));
        assertEquals("The synthetic option 'stepTokens' is -1; it must be at least 1.", refused(Map.of("stepTokens", -1)));
        assertEquals("The synthetic option 'branches' is 0; it must be at least 1.", refused(Map.of("branches", 0)));
        assertEquals("The synthetic option 'branches' must be a whole number of branches, not 'true'.",
                refused(Map.of("branches", true)));
        assertEquals("The synthetic option 'branches' is 2, but branches spread a one-word step over several words and "
                + "'stepTokens' is 3; set branches or stepTokens to 1.", refused(Map.of("branches", 2, "stepTokens", 3)));
        assertEquals("The synthetic option 'questionTokens' is 0; it must be between 1 and 506, the number of words, "
                + "because a question's words are distinct.", refused(Map.of("questionTokens", 0)));
        assertEquals("The synthetic option 'questionTokens' is 85; it must be between 1 and 50, the number of words, "
                + "because a question's words are distinct.", refused(Map.of("words", 50)));
        assertEquals("The synthetic option 'questionTokens' is 11, but each of the 6 steps reads its own 2 question words "
                + "(stepTokens times branches), so it must be at least 12.", refused(Map.of("questionTokens", 11, "stepTokens", 2)));
        assertEquals("The synthetic option 'questionTokens' is 85, but each of the 6 steps reads its own 15 question words "
                + "(stepTokens times branches), so it must be at least 90.", refused(Map.of("branches", 15)));
        assertEquals("The synthetic dataset has only 6 distinct questions of 2 of 3 words, not the 7 the spec asks for; "
                + "ask for fewer examples or more words.", assertThrows(IllegalArgumentException.class, () -> adapter.checkOptions(
                        new DatasetSpec("synthetic", 5, 1, 1, Map.of("words", 3, "questionTokens", 2, "steps", 2)))).getMessage());
        assertEquals("The synthetic dataset cannot make -1 validation examples; give a size of 0 or more.",
                assertThrows(IllegalArgumentException.class, () -> load(1, -1, 1, null, 1L)).getMessage());
        assertEquals("The synthetic option 'promptTokens' is 507; it must be between 1 and 506, the number of words, "
                + "because a question's words are distinct.", refused(Map.of("promptTokens", 507)));
        assertEquals("The synthetic option 'promptTokens' is 5, but each of the 6 steps reads its own 1 question words "
                + "(stepTokens times branches), so it must be at least 6.", refused(Map.of("promptTokens", 5)));
        // the limits themselves are accepted
        assertEquals(2, load(2, 0, 0, Map.of("words", 2, "questionTokens", 2, "steps", 2), 1L).train().size());
        assertEquals(6, load(1, 0, 0, Map.of("branches", 14), 1L).train().get(0).steps().size(), "6 × 14 of the 85 words");
        assertEquals(1, load(1, 0, 0, Map.of("questionTokens", 506), 1L).train().size());
        assertTrue(all(load(0, 0, 0, Map.of(), 1L)).isEmpty());
    }

    /** Answering is timed on held-out questions as long as ProsQA's while training keeps its 96 positions. */
    @Test
    void heldOutQuestionsTakeThePromptLength() {
        Dataset d = load(20, 3, 4, Map.of("promptTokens", 218), 7L);
        assertTrue(d.train().stream().allMatch(e -> words(e.question()).size() == SyntheticOptions.DEFAULT_QUESTION_TOKENS));
        assertTrue(Stream.concat(d.validation().stream(), d.test().stream()).allMatch(e -> words(e.question()).size() == 218));
        Example held = d.test().get(0);
        List<String> question = words(held.question());
        assertEquals(question.subList(0, 6), held.steps(), "the same rule on the longer question");
        assertEquals(question.get(5), held.answer());
        assertTrue(all(load(5, 2, 2, Map.of(), 7L)).stream().allMatch(e -> words(e.question()).size() == SyntheticOptions.DEFAULT_QUESTION_TOKENS),
                "by default every split has the training length");
    }

    @Test
    void filesAreRefused() {
        IOException refused = assertThrows(IOException.class, () -> adapter.read(Path.of("synthetic.json")));
        assertEquals("The synthetic dataset is generated only and reads no files, so it cannot read synthetic.json; "
                + "remove that evaluation file from the spec.", refused.getMessage());
    }

    private String refused(Map<String, Object> options) {
        DatasetSpec spec = new DatasetSpec("synthetic", 1, 1, 1, options);
        String checked = assertThrows(IllegalArgumentException.class, () -> adapter.checkOptions(spec)).getMessage();
        assertEquals(checked, assertThrows(IllegalArgumentException.class, () -> adapter.load(spec, 1L)).getMessage());
        return checked;
    }
}
