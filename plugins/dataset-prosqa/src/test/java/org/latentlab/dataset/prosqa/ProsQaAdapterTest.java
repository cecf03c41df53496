package org.latentlab.dataset.prosqa;

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

class ProsQaAdapterTest {

    private final ProsQaAdapter adapter = new ProsQaAdapter();

    private Dataset load(int train, int validation, int test, Map<String, Object> options, long seed) {
        return adapter.load(new DatasetSpec("prosqa", train, validation, test, options), seed);
    }

    @Test
    void theSameSeedGivesTheSameData() {
        Dataset a = load(200, 50, 50, null, 42L);
        Dataset b = load(200, 50, 50, null, 42L);
        assertEquals(a, b);
        assertEquals(200, a.train().size());
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
        Dataset d = load(3000, 300, 300, null, 7L);
        List<String> all = Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).map(Example::question).toList();
        assertEquals(all.size(), new HashSet<>(all).size(), "a question appears twice across the splits");
        Set<String> ids = new HashSet<>();
        Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).forEach(e -> assertTrue(ids.add(e.id()), e.id()));
        assertEquals("train-0", d.train().get(0).id());
        assertEquals("test-299", d.test().get(299).id());
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
    void optionsBoundTheReasoningPath() {
        Dataset d = load(300, 0, 0, Map.of("minHops", 5, "maxHops", "6"), 11L);
        for (Example e : d.train()) {
            int hops = MeasuredProblem.of(e).hops();
            assertTrue(hops == 5 || hops == 6, e.id() + " has " + hops + " steps");
            assertEquals(hops, e.steps().size());
        }
        Dataset shallow = load(100, 0, 0, Map.of("minHops", 2, "maxHops", 2.0), 11L);
        shallow.train().forEach(e -> assertEquals(2, MeasuredProblem.of(e).hops(), e.id()));
        Dataset deep = load(20, 0, 0, Map.of("minHops", 7, "maxHops", 7), 11L);
        deep.train().forEach(e -> assertEquals(7, MeasuredProblem.of(e).hops(), e.id()));
    }

    @Test
    void unknownOrBadOptionsAreRefused() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> load(1, 1, 1, Map.of("depth", 4), 1L));
        assertEquals("The prosqa dataset has no option 'depth'; it accepts minHops, maxHops.", unknown.getMessage());

        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> load(1, 1, 1, Map.of("minHops", 5, "maxHops", 4), 1L));
        assertTrue(order.getMessage().contains("'maxHops' is 4"), order.getMessage());

        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> load(1, 1, 1, Map.of("minHops", 3.5), 1L));
        assertEquals("The prosqa option 'minHops' must be a whole number of steps, not '3.5'.", fraction.getMessage());

        IllegalArgumentException deep = assertThrows(IllegalArgumentException.class,
                () -> load(1, 1, 1, Map.of("minHops", 12, "maxHops", 20), 1L));
        assertTrue(deep.getMessage().contains("between 1 and 7"), deep.getMessage());

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> load(-1, 1, 1, null, 1L));
        assertTrue(negative.getMessage().contains("-1 train examples"), negative.getMessage());
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
