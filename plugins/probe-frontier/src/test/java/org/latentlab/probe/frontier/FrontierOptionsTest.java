package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FrontierOptionsTest {

    @Test
    void defaultsAreThePapersThreeThoughtsOnAHundredExamples() {
        assertEquals(new FrontierOptions(List.of(1, 2, 3), 100, 64), FrontierOptions.of(Map.of()));
        assertEquals(new FrontierOptions(List.of(4, 1), 7, 9),
                FrontierOptions.of(Map.of("thoughts", List.of(4L, 1.0), "examples", 7L, "maxNewTokens", 9.0)));
    }

    @Test
    void aBadValueIsOneSentenceNamingTheOptionAndWhatIsAllowed() {
        String thoughts = "The frontier probe's option 'thoughts' must be a non-empty list of distinct whole numbers of at least 1"
                + " (the numbers of thoughts after which to read the frontier), not ";
        assertEquals(thoughts + "[0].", message(Map.of("thoughts", List.of(0))));
        assertEquals(thoughts + "[].", message(Map.of("thoughts", List.of())));
        assertEquals(thoughts + "[1, 1].", message(Map.of("thoughts", List.of(1, 1))));
        assertEquals(thoughts + "[1.5].", message(Map.of("thoughts", List.of(1.5))));
        assertEquals(thoughts + "[1, null].", message(Map.of("thoughts", Arrays.asList(1, null))));
        assertEquals(thoughts + "2.", message(Map.of("thoughts", 2)));
        assertEquals("The frontier probe's option 'examples' must be a whole number from 1 to 10000, not 0.",
                message(Map.of("examples", 0)));
        assertEquals("The frontier probe's option 'examples' must be a whole number from 1 to 10000, not 10001.",
                message(Map.of("examples", 10001)));
        assertEquals("The frontier probe's option 'examples' must be a whole number from 1 to 10000, not many.",
                message(Map.of("examples", "many")));
        assertEquals("The frontier probe's option 'maxNewTokens' must be a whole number of at least 1, not -3.",
                message(Map.of("maxNewTokens", -3)));
        assertEquals("The frontier probe has no option 'k'; its options are examples, maxNewTokens, thoughts.",
                message(Map.of("k", 1)));
    }

    private static String message(Map<String, Object> options) {
        return assertThrows(IllegalArgumentException.class, () -> FrontierOptions.of(options)).getMessage();
    }
}
