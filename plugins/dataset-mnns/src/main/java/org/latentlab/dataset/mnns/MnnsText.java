package org.latentlab.dataset.mnns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.latentlab.api.data.Example;

/**
 * How an MNNS problem is written, every number one vocabulary word:
 *
 * <ul>
 * <li>question: the digits separated by spaces, {@code "3 1 4 2"};</li>
 * <li>steps: one per digit, the partial sum along the best sign path after that digit, written as an integer
 *     ({@code "3"}, {@code "-2"}, {@code "0"}): for 3 1 4 2 the path + - - + gives {@code "3", "2", "-2", "0"};</li>
 * <li>answer: the minimal non-negative sum, {@code "0"}, equal to the last step.</li>
 * </ul>
 *
 * A negative number keeps its minus sign in the same word ({@code Vocabulary.words("-2")} is one token), which is
 * why the steps carry no arrows or equals signs: {@code "->"} would be two tokens, and joined text such as
 * {@code "+3="} would re-read as one. The extras hold {@value #DIGITS} (the digits), {@value #SIGNS} (+1 or -1 for
 * each digit along the best path), {@value #ANSWER} (the answer as an Integer) and
 * {@link Example#STEP_DISTRIBUTIONS} (after each digit, every reachable partial sum with its share of the sign paths:
 * the superposition CoT2 is trained toward).
 */
public final class MnnsText {

    static final String DIGITS = "digits";
    static final String SIGNS = "signs";
    static final String ANSWER = "answer";

    private MnnsText() {
    }

    static String question(List<Integer> digits) {
        return digits.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** The example for {@code digits}: solved, then written out (public for the tests of methods that train on it). */
    public static Example example(String id, List<Integer> digits) {
        SignedSum best = MinimumNonNegativeSum.solve(digits);
        List<String> steps = best.partialSums().stream().map(String::valueOf).toList();
        return new Example(id, question(digits), steps, String.valueOf(best.sum()),
                Map.of(DIGITS, best.digits(), SIGNS, best.signs(), ANSWER, best.sum(), Example.STEP_DISTRIBUTIONS, superpositions(digits)));
    }

    /**
     * For each t = 1 … m, the partial sums after the first t digits over all 2<sup>t</sup> sign paths, each weighted by
     * the share of paths that reach it (paths reaching the same sum add up), keyed by the sum's word, in increasing
     * order of the sum.
     */
    static List<Map<String, Double>> superpositions(List<Integer> digits) {
        List<Map<String, Double>> out = new ArrayList<>(digits.size());
        Map<Integer, Long> paths = new TreeMap<>(Map.of(0, 1L));
        long total = 1;
        for (int d : digits) {
            Map<Integer, Long> next = new TreeMap<>();
            for (Map.Entry<Integer, Long> e : paths.entrySet()) {
                next.merge(e.getKey() + d, e.getValue(), Long::sum);
                next.merge(e.getKey() - d, e.getValue(), Long::sum);
            }
            paths = next;
            total *= 2;
            Map<String, Double> step = new LinkedHashMap<>();
            for (Map.Entry<Integer, Long> e : paths.entrySet()) {
                step.put(String.valueOf(e.getKey()), (double) e.getValue() / total);
            }
            out.add(Collections.unmodifiableMap(step));
        }
        return List.copyOf(out);
    }
}
