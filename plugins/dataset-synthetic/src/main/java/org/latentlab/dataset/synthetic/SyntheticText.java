package org.latentlab.dataset.synthetic;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;

/**
 * How a synthetic problem is written and solved. The question is Q distinct content words q<sub>0</sub> …
 * q<sub>Q-1</sub>, separated by spaces; step t (t = 1 … S) owns the block of K·B question words that starts at
 * position (t-1)·K·B and writes the block's first K words in order; the answer is the last word of step S. With
 * K = 1 every example also carries {@link Example#STEP_DISTRIBUTIONS}: for step t, each of the B words of its block
 * with weight 1/B, the written word (the block's first) among them.
 */
final class SyntheticText {

    private SyntheticText() {
    }

    /** The example for a question given as word indices, under {@code options}. */
    static Example example(String id, int[] question, SyntheticOptions options) {
        int k = options.stepTokens();
        int block = k * options.branches();
        List<String> words = new ArrayList<>(question.length);
        for (int index : question) {
            words.add(options.word(index));
        }
        List<String> steps = new ArrayList<>(options.steps());
        for (int t = 0; t < options.steps(); t++) {
            steps.add(String.join(" ", words.subList(t * block, t * block + k)));
        }
        String answer = words.get((options.steps() - 1) * block + k - 1);
        Map<String, Object> extras = k == 1 ? Map.of(Example.STEP_DISTRIBUTIONS, distributions(words, options)) : Map.of();
        return new Example(id, String.join(" ", words), steps, answer, extras);
    }

    /** For each one-word step, its block's B words, each with weight 1/B, the written word first. */
    private static List<Map<String, Double>> distributions(List<String> words, SyntheticOptions options) {
        int b = options.branches();
        List<Map<String, Double>> out = new ArrayList<>(options.steps());
        for (int t = 0; t < options.steps(); t++) {
            Map<String, Double> step = new LinkedHashMap<>();
            for (String word : words.subList(t * b, t * b + b)) {
                step.put(word, 1.0 / b);
            }
            out.add(Collections.unmodifiableMap(step));
        }
        return List.copyOf(out);
    }
}
