package org.latentlab.dataset.mnns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

class MinimumNonNegativeSumTest {

    /** All 2^m sign vectors in lexicographic order (+ before -); the first with the smallest non-negative sum. */
    private static SignedSum bruteForce(List<Integer> digits) {
        int m = digits.size();
        SignedSum best = null;
        for (int mask = 0; mask < (1 << m); mask++) {
            List<Integer> signs = new ArrayList<>();
            int sum = 0;
            for (int i = 0; i < m; i++) {
                int sign = (mask >> (m - 1 - i) & 1) == 0 ? 1 : -1; // digit 0 is the most significant bit
                signs.add(sign);
                sum += sign * digits.get(i);
            }
            if (sum >= 0 && (best == null || sum < best.sum())) {
                best = new SignedSum(digits, signs, sum);
            }
        }
        return best;
    }

    private static List<Integer> randomDigits(Random random, int m) {
        List<Integer> digits = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            digits.add(1 + random.nextInt(9));
        }
        return digits;
    }

    @Test
    void theSolverAgreesWithBruteForce() {
        Random random = new Random(20240601L);
        for (int trial = 0; trial < 3000; trial++) {
            List<Integer> digits = randomDigits(random, 2 + random.nextInt(11));
            assertEquals(bruteForce(digits), MinimumNonNegativeSum.solve(digits), digits.toString());
        }
    }

    @Test
    void aHandCheckedExample() {
        // 3+1+4+2=10, 3+1+4-2=6, 3+1-4+2=2, 3+1-4-2=-2, 3-1+4+2=8, 3-1+4-2=4, 3-1-4+2=0: the first to reach 0
        SignedSum best = MinimumNonNegativeSum.solve(List.of(3, 1, 4, 2));
        assertEquals(0, best.sum());
        assertEquals(List.of(1, -1, -1, 1), best.signs());
        assertEquals(List.of(3, 2, -2, 0), best.partialSums());

        Example example = MnnsText.example("x", List.of(3, 1, 4, 2));
        assertEquals("3 1 4 2", example.question());
        assertEquals(List.of("3", "2", "-2", "0"), example.steps());
        assertEquals("0", example.answer());
        assertEquals(List.of(3, 1, 4, 2), example.extras().get(MnnsText.DIGITS));
        assertEquals(List.of(1, -1, -1, 1), example.extras().get(MnnsText.SIGNS));
        assertEquals(0, example.extras().get(MnnsText.ANSWER));
    }

    @Test
    void theFirstSignIsFree() {
        // with the first sign fixed to + the answer would be 3 (1+2); -1+2 = 1 is smaller
        SignedSum best = MinimumNonNegativeSum.solve(List.of(1, 2));
        assertEquals(1, best.sum());
        assertEquals(List.of(-1, 1), best.signs());
        assertEquals(List.of("-1", "1"), MnnsText.example("x", List.of(1, 2)).steps());
    }

    @Test
    void stepsArePartialSumsOfTheSignsAndEndAtTheAnswer() {
        Random random = new Random(5L);
        for (int trial = 0; trial < 500; trial++) {
            List<Integer> digits = randomDigits(random, 2 + random.nextInt(11));
            Example example = MnnsText.example("t" + trial, digits);
            @SuppressWarnings("unchecked")
            List<Integer> signs = (List<Integer>) example.extras().get(MnnsText.SIGNS);
            assertEquals(digits.size(), example.steps().size());
            int partial = 0;
            for (int i = 0; i < digits.size(); i++) {
                assertTrue(signs.get(i) == 1 || signs.get(i) == -1);
                partial += signs.get(i) * digits.get(i);
                assertEquals(String.valueOf(partial), example.steps().get(i));
            }
            assertEquals(example.answer(), example.steps().get(digits.size() - 1));
            assertEquals(Integer.parseInt(example.answer()), example.extras().get(MnnsText.ANSWER));
            assertTrue(partial >= 0);
        }
    }

    @Test
    void everyNumberIsOneVocabularyWord() {
        assertEquals(List.of("-3"), Vocabulary.words("-3"));
        assertEquals(List.of("+3"), Vocabulary.words("+3"));
        assertEquals(List.of("-108"), Vocabulary.words("-108"));
        assertEquals(List.of("-", ">"), Vocabulary.words("->"), "an arrow would be two tokens, so steps carry none");

        Random random = new Random(9L);
        for (int trial = 0; trial < 500; trial++) {
            List<Integer> digits = randomDigits(random, 2 + random.nextInt(11));
            Example example = MnnsText.example("t" + trial, digits);
            assertEquals(digits.stream().map(String::valueOf).toList(), Vocabulary.words(example.question()));
            for (String step : example.steps()) {
                assertEquals(List.of(step), Vocabulary.words(step));
            }
            assertEquals(List.of(example.answer()), Vocabulary.words(example.answer()));
        }
        // the largest digits: twelve nines
        Example nines = MnnsText.example("n", List.of(9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9));
        assertEquals("0", nines.answer());
        nines.steps().forEach(step -> assertEquals(List.of(step), Vocabulary.words(step)));
        assertEquals("54", nines.steps().get(5), "six + signs first, then six -");
    }

    @Test
    void orderingsCountDistinctPermutations() {
        assertEquals(1, MultisetSplits.orderings(new int[] {4, 4, 4}));
        assertEquals(12, MultisetSplits.orderings(new int[] {1, 1, 2, 3}));
        assertEquals(24, MultisetSplits.orderings(new int[] {1, 2, 3, 4}));
        assertEquals(479001600L, MultisetSplits.orderings(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9}) * 24);
        for (int m = 2; m <= 6; m++) {
            long total = 0;
            for (int[] multiset : MultisetSplits.multisets(m)) {
                total += MultisetSplits.orderings(multiset);
            }
            assertEquals((long) Math.pow(9, m), total, "orderings of all multisets of " + m + " digits");
        }
        assertEquals(125970, MultisetSplits.multisets(12).size());
    }

    @Test
    void theStepDistributionsWeighEveryReachablePartialSumByItsShareOfTheSignPaths() {
        // 3 1 2: after 3 → ±3; after 1 → 4, 2, -2, -4; after 2 → 4±2, 2±2, -2±2, -4±2 = 6, 2, 4, 0, 0, -4, -2, -6:
        // 0 is reached by two of the eight paths
        Example example = MnnsText.example("x", List.of(3, 1, 2));
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Double>> steps = (List<java.util.Map<String, Double>>) example.extras().get(Example.STEP_DISTRIBUTIONS);
        assertEquals(java.util.Map.of("-3", 0.5, "3", 0.5), steps.get(0));
        assertEquals(java.util.Map.of("-4", 0.25, "-2", 0.25, "2", 0.25, "4", 0.25), steps.get(1));
        assertEquals(java.util.Map.of("-6", 0.125, "-4", 0.125, "-2", 0.125, "0", 0.25, "2", 0.125, "4", 0.125, "6", 0.125), steps.get(2));
        assertEquals(List.of("-6", "-4", "-2", "0", "2", "4", "6"), List.copyOf(steps.get(2).keySet()), "ordered by the sum");
        // the written chain of thought is one of the superposed paths at every step
        for (int t = 0; t < example.steps().size(); t++) {
            assertTrue(steps.get(t).containsKey(example.steps().get(t)), "step " + t);
        }
    }

    @Test
    void equalDigitsPileTheirPathsOntoFewerSums() {
        Example example = MnnsText.example("y", List.of(2, 2));
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Double>> steps = (List<java.util.Map<String, Double>>) example.extras().get(Example.STEP_DISTRIBUTIONS);
        assertEquals(java.util.Map.of("-4", 0.25, "0", 0.5, "4", 0.25), steps.get(1));
    }
}
