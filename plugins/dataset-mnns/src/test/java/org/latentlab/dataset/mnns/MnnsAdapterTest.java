package org.latentlab.dataset.mnns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

class MnnsAdapterTest {

    private final MnnsAdapter adapter = new MnnsAdapter();

    private Dataset load(int train, int validation, int test, Map<String, Object> options, long seed) {
        return adapter.load(new DatasetSpec("mnns", train, validation, test, options), seed);
    }

    private static List<Example> all(Dataset d) {
        return Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).toList();
    }

    @Test
    void theRandomSplitIsReproducibleFromTheSeed() {
        Dataset a = load(300, 50, 60, null, 42L);
        assertEquals(a, load(300, 50, 60, null, 42L));
        assertEquals(300, a.train().size());
        assertEquals(50, a.validation().size());
        assertEquals(60, a.test().size());
        assertNotEquals(a.test(), load(300, 50, 60, null, 43L).test());
        Dataset larger = load(900, 50, 60, null, 42L);
        assertEquals(a.test(), larger.test());
        assertEquals(a.train(), larger.train().subList(0, 300));
    }

    @Test
    void noQuestionIsInTwoSplits() {
        for (String split : List.of("random", "multiset")) {
            Dataset d = load(3000, 300, 300, Map.of("split", split), 7L);
            List<String> questions = all(d).stream().map(Example::question).toList();
            assertEquals(questions.size(), new HashSet<>(questions).size(), split);
            assertEquals("train-0", d.train().get(0).id());
            assertEquals("test-299", d.test().get(299).id());
        }
    }

    @Test
    void theMultisetSplitKeepsEveryMultisetOnOneSide() {
        for (int digits : List.of(2, 4, 6)) {
            Dataset d = load(40, 20, 20, Map.of("split", "multiset", "digits", digits), 3L);
            Map<String, String> sideOf = new HashMap<>();
            Map<String, List<Example>> splits = Map.of("train", d.train(), "validation", d.validation(), "test", d.test());
            for (Map.Entry<String, List<Example>> split : splits.entrySet()) {
                for (Example e : split.getValue()) {
                    assertEquals(digits, e.steps().size());
                    String previous = sideOf.putIfAbsent(multiset(e), split.getKey());
                    assertTrue(previous == null || previous.equals(split.getKey()),
                            "the multiset " + multiset(e) + " is in " + previous + " and " + split.getKey());
                }
            }
        }
        // reorderings do occur within a split, so the check above has something to catch
        Dataset dense = load(400, 100, 100, Map.of("split", "multiset", "digits", 3), 5L);
        Set<String> trainMultisets = new HashSet<>();
        dense.train().forEach(e -> trainMultisets.add(multiset(e)));
        assertTrue(trainMultisets.size() < dense.train().size());
        dense.test().forEach(e -> assertTrue(!trainMultisets.contains(multiset(e)), e.question()));
        dense.validation().forEach(e -> assertTrue(!trainMultisets.contains(multiset(e)), e.question()));

        Dataset a = load(200, 30, 30, Map.of("split", "multiset"), 11L);
        assertEquals(a, load(200, 30, 30, Map.of("split", "multiset"), 11L));
        assertNotEquals(a.test(), load(200, 30, 30, Map.of("split", "multiset"), 12L).test());
    }

    @Test
    void examplesAreSolvedAndCarryTheirExtras() {
        for (Example e : load(100, 0, 0, Map.of("digits", 7), 1L).train()) {
            @SuppressWarnings("unchecked")
            List<Integer> digits = (List<Integer>) e.extras().get(MnnsText.DIGITS);
            assertEquals(7, digits.size());
            assertEquals(MinimumNonNegativeSum.solve(digits).signs(), e.extras().get(MnnsText.SIGNS));
            assertEquals(MinimumNonNegativeSum.solve(digits).sum(), e.extras().get(MnnsText.ANSWER));
            assertEquals(MnnsText.question(digits), e.question());
        }
    }

    @Test
    void sizesAreHonouredUpToEveryDistinctQuestion() {
        for (String split : List.of("random", "multiset")) {
            Dataset d = load(0, 0, 5, Map.of("split", split), 1L);
            assertEquals(List.of(0, 0, 5), List.of(d.train().size(), d.validation().size(), d.test().size()), split);
            Dataset empty = load(0, 0, 0, Map.of("split", split), 1L);
            assertTrue(all(empty).isEmpty(), split);
        }
        // two digits: exactly 81 questions
        Dataset every = load(61, 10, 10, Map.of("digits", 2), 1L);
        assertEquals(81, new HashSet<>(all(every).stream().map(Example::question).toList()).size());

        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> load(70, 10, 10, Map.of("digits", 2), 1L));
        assertEquals("The mnns dataset has only 81 distinct questions of 2 digits, not the 90 the spec asks for; "
                + "ask for fewer examples or more digits.", tooMany.getMessage());
        IllegalArgumentException multisetTooMany = assertThrows(IllegalArgumentException.class,
                () -> load(70, 10, 10, Map.of("digits", 2, "split", "multiset"), 1L));
        assertTrue(multisetTooMany.getMessage().startsWith("The mnns multiset split can give the "), multisetTooMany.getMessage());
        assertTrue(multisetTooMany.getMessage().endsWith("; ask for fewer examples or more digits."), multisetTooMany.getMessage());
    }

    @Test
    void unknownOrBadOptionsAreRefused() {
        assertEquals("The mnns dataset has no option 'length'; it accepts digits, split.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("length", 4), 1L)).getMessage());
        assertEquals("The mnns option 'digits' is 13; it must be between 2 and 12.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("digits", 13), 1L)).getMessage());
        assertEquals("The mnns option 'digits' is 1; it must be between 2 and 12.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("digits", 1), 1L)).getMessage());
        assertEquals("The mnns option 'digits' must be a whole number of digits, not '4.5'.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("digits", 4.5), 1L)).getMessage());
        assertEquals("The mnns option 'split' is 'permutation'; it must be random or multiset.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("split", "permutation"), 1L)).getMessage());
        assertEquals("The mnns option 'split' is '3'; it must be random or multiset.",
                assertThrows(IllegalArgumentException.class, () -> load(1, 1, 1, Map.of("split", 3), 1L)).getMessage());
        for (String split : List.of("random", "multiset")) {
            assertEquals("The mnns dataset cannot make -1 validation examples; give a size of 0 or more.",
                    assertThrows(IllegalArgumentException.class, () -> load(1, -1, 1, Map.of("split", split), 1L)).getMessage());
        }
        assertEquals(6, load(3, 0, 0, Map.of("digits", "6"), 1L).train().get(0).steps().size());
        assertEquals(4, load(3, 0, 0, Map.of(), 1L).train().get(0).steps().size(), "four digits by default");
    }

    @Test
    void filesAreRefused() {
        IOException refused = assertThrows(IOException.class, () -> adapter.read(Path.of("mnns.json")));
        assertEquals("The mnns dataset is generated only and reads no files, so it cannot read mnns.json; "
                + "remove that evaluation file from the spec.", refused.getMessage());
    }

    private static String multiset(Example e) {
        int[] digits = e.question().chars().filter(Character::isDigit).map(c -> c - '0').toArray();
        Arrays.sort(digits);
        return Arrays.toString(digits);
    }
}
