package org.latentlab.method.cot2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * The continuous supervision (CSFT) targets of one example: for each continuous step, the distribution over the step's
 * words that follows every search path at once ({@link Example#STEP_DISTRIBUTIONS}), optionally cut to the B heaviest.
 */
final class SoftTargets {

    private SoftTargets() {
    }

    /**
     * The continuous steps s of an example: one per written step but the last, which equals the answer and is replaced
     * by the discrete answer.
     */
    static int continuousSteps(Example example) {
        return Math.max(0, example.steps().size() - 1);
    }

    /**
     * For each continuous step, token id to weight, summing to 1: the step's distribution, or with {@code beam} B ≥ 1
     * its B heaviest words (the written step always kept, remaining ties toward the smaller number), renormalised.
     *
     * @throws IllegalArgumentException when the example has no distributions, too few, or steps or words that are not
     *                                  single vocabulary words
     */
    static List<Map<Integer, Double>> of(Example example, int beam, Vocabulary vocabulary) {
        int s = continuousSteps(example);
        Object extra = example.extras().get(Example.STEP_DISTRIBUTIONS);
        if (!(extra instanceof List<?> distributions)) {
            throw new IllegalArgumentException("The cot2 method trains toward step distributions, and example '" + example.id()
                    + "' has none (extras '" + Example.STEP_DISTRIBUTIONS + "'); use a dataset that supplies them, such as mnns.");
        }
        if (distributions.size() < s) {
            throw new IllegalArgumentException("Example '" + example.id() + "' has " + distributions.size()
                    + (distributions.size() == 1 ? " step distribution" : " step distributions")
                    + " but the cot2 method needs one for each of its " + s
                    + " continuous steps; supply a distribution for every step but the last.");
        }
        List<Map<Integer, Double>> out = new ArrayList<>(s);
        for (int t = 0; t < s; t++) {
            String written = word(example, t, vocabulary);
            Map<String, Double> weights = weights(example, t, distributions.get(t), vocabulary);
            if (!(weights.getOrDefault(written, 0.0) > 0)) {
                throw new IllegalArgumentException("Step " + (t + 1) + " of example '" + example.id() + "', '" + written
                        + "', has no weight in its step distribution; the written step must be one of the distribution's words.");
            }
            out.add(normalised(top(weights, written, beam), vocabulary));
        }
        return out;
    }

    /** The written step t as one vocabulary word. */
    private static String word(Example example, int t, Vocabulary vocabulary) {
        String step = example.steps().get(t);
        List<String> words = Vocabulary.words(step);
        if (words.size() != 1 || !vocabulary.contains(words.get(0))) {
            throw new IllegalArgumentException("Step " + (t + 1) + " of example '" + example.id() + "', '" + step
                    + "', is not a single vocabulary word; the cot2 method feeds every step but the last as a mixture of token "
                    + "embeddings, so each must be one word of the vocabulary.");
        }
        return words.get(0);
    }

    /** Step t's distribution, checked: word to weight, words with no weight left out. */
    private static Map<String, Double> weights(Example example, int t, Object distribution, Vocabulary vocabulary) {
        if (!(distribution instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("Step distribution " + (t + 1) + " of example '" + example.id()
                    + "' must be a map from words to weights, not " + distribution + ".");
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object key = e.getKey();
            List<String> words = key instanceof String text ? Vocabulary.words(text) : List.of();
            if (words.size() != 1 || !vocabulary.contains(words.get(0))) {
                throw new IllegalArgumentException("Step distribution " + (t + 1) + " of example '" + example.id() + "' holds '"
                        + key + "', which is not a single vocabulary word; every word of a step distribution must be one token.");
            }
            double weight = e.getValue() instanceof Number n ? n.doubleValue() : Double.NaN;
            if (!(weight >= 0) || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("Step distribution " + (t + 1) + " of example '" + example.id() + "' gives '"
                        + key + "' the weight " + e.getValue() + ", but a weight must be a finite number of at least 0.");
            }
            if (weight > 0) {
                out.merge(words.get(0), weight, Double::sum);
                total += weight;
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("Step distribution " + (t + 1) + " of example '" + example.id()
                    + "' has no weight at all; give its words weights that sum to 1.");
        }
        return out;
    }

    /**
     * The B heaviest words (all of them when B is 0 or at least their number): the written step first, then the others
     * by decreasing weight, ties toward the smaller number (words that are not numbers after, in text order).
     */
    static Map<String, Double> top(Map<String, Double> weights, String written, int beam) {
        if (beam == 0 || beam >= weights.size()) {
            return weights;
        }
        List<Map.Entry<String, Double>> others = new ArrayList<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!e.getKey().equals(written)) {
                others.add(e);
            }
        }
        others.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey, SoftTargets::smallerFirst));
        Map<String, Double> kept = new LinkedHashMap<>();
        kept.put(written, weights.get(written));
        for (Map.Entry<String, Double> e : others.subList(0, beam - 1)) {
            kept.put(e.getKey(), e.getValue());
        }
        return kept;
    }

    private static int smallerFirst(String a, String b) {
        double x = number(a);
        double y = number(b);
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            return Double.compare(x, y);
        }
        if (Double.isNaN(x) != Double.isNaN(y)) {
            return Double.isNaN(x) ? 1 : -1;
        }
        return a.compareTo(b);
    }

    private static double number(String word) {
        try {
            return Double.parseDouble(word);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Weights by token id, divided by their sum. */
    private static Map<Integer, Double> normalised(Map<String, Double> weights, Vocabulary vocabulary) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<Integer, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            out.put(vocabulary.id(e.getKey()), e.getValue() / total);
        }
        return out;
    }
}
