package org.latentlab.dataset.prontoqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

class ProntoQaAdapterTest {

    private final ProntoQaAdapter adapter = new ProntoQaAdapter();

    private Dataset load(int train, int validation, int test, Map<String, Object> options, long seed) {
        return adapter.load(new DatasetSpec("prontoqa", train, validation, test, options), seed);
    }

    @Test
    void theSameSeedGivesTheSameData() {
        Dataset a = load(300, 50, 50, null, 42L);
        Dataset b = load(300, 50, 50, null, 42L);
        assertEquals(a, b);
        assertEquals(300, a.train().size());
        assertEquals(50, a.validation().size());
        assertEquals(50, a.test().size());
    }

    @Test
    void differentSeedsGiveDifferentData() {
        Dataset a = load(100, 20, 20, null, 1L);
        Dataset b = load(100, 20, 20, null, 2L);
        Set<String> questions = new HashSet<>(questions(a.train()));
        questions.retainAll(questions(b.train()));
        assertTrue(questions.isEmpty(), "two seeds share " + questions.size() + " questions");
        assertNotEquals(a.test(), b.test());
    }

    @Test
    void noQuestionIsInTwoSplits() {
        Dataset d = load(5000, 500, 500, Map.of("hops", 1), 7L);
        List<String> all = Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).map(Example::question).toList();
        assertEquals(all.size(), new HashSet<>(all).size(), "a question appears twice across the splits");
        Set<String> ids = new HashSet<>();
        Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).forEach(e -> assertTrue(ids.add(e.id()), e.id()));
        assertEquals("train-0", d.train().get(0).id());
        assertEquals("test-499", d.test().get(499).id());
    }

    @Test
    void evaluationSplitsDoNotDependOnTheTrainingSize() {
        Dataset small = load(10, 30, 30, null, 3L);
        Dataset large = load(500, 30, 30, null, 3L);
        assertEquals(small.test(), large.test());
        assertEquals(small.validation(), large.validation());
        assertEquals(small.train(), large.train().subList(0, 10));
    }

    @Test
    void hopsSetTheLengthOfTheChain() {
        for (Example e : load(50, 0, 0, null, 11L).train()) {
            assertEquals(6, e.steps().size(), e.id() + ": five hops by default");
            assertEquals(5, ((List<?>) e.extras().get(DeductionChain.CONCEPTS)).size(), e.id());
        }
        Map<Object, Integer> spellings = Map.of(1, 1, 3L, 3, "8", 8, 2.0, 2);
        for (Map.Entry<Object, Integer> spelling : spellings.entrySet()) {
            Object hops = spelling.getKey();
            int h = spelling.getValue();
            for (Example e : load(30, 0, 0, Map.of("hops", hops), 11L).train()) {
                assertEquals(h + 1, e.steps().size(), e.id() + " with hops " + hops);
                assertEquals(h, ((List<?>) e.extras().get(DeductionChain.CONCEPTS)).size(), e.id());
            }
        }
    }

    @Test
    void unknownOrBadOptionsAreRefused() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> load(1, 1, 1, Map.of("depth", 4), 1L));
        assertEquals("The prontoqa dataset has no option 'depth'; it accepts hops.", unknown.getMessage());

        IllegalArgumentException deep = assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("hops", 9), 1L));
        assertEquals("The prontoqa option 'hops' is 9; it must be between 1 and 8 (the Coconut paper's data uses 5).", deep.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("hops", 0), 1L));
        assertTrue(none.getMessage().contains("'hops' is 0"), none.getMessage());

        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("hops", 3.5), 1L));
        assertEquals("The prontoqa option 'hops' must be a whole number of hops, not '3.5'.", fraction.getMessage());

        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("hops", "five"), 1L));
        assertEquals("The prontoqa option 'hops' must be a whole number of hops, not 'five'.", word.getMessage());

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> load(1, -1, 1, null, 1L));
        assertEquals("The prontoqa dataset cannot make -1 validation examples; give a size of 0 or more.", negative.getMessage());
    }

    @Test
    void emptySplitsAreAllowed() {
        Dataset d = load(0, 0, 0, Map.of(), 1L);
        assertTrue(d.train().isEmpty() && d.validation().isEmpty() && d.test().isEmpty());
    }

    private static List<String> questions(List<Example> examples) {
        return examples.stream().map(Example::question).toList();
    }
}
