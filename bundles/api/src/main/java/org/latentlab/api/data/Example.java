package org.latentlab.api.data;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One reasoning problem: a question, the explicit reasoning steps that solve it, and the answer.
 *
 * @param id       stable identifier within its dataset
 * @param question the question text
 * @param steps    the explicit chain of thought, one string per step
 * @param answer   the answer text that exact match compares against
 * @param extras   dataset-specific structure (a graph, a target...); never read by the platform
 */
public record Example(String id, String question, List<String> steps, String answer, Map<String, Object> extras) {

    /**
     * Key of {@link #extras()}: for each step, the distribution over that step's words that follows every search path
     * of the problem at once rather than the one written in {@link #steps()} (for MNNS after t digits: each reachable
     * partial sum, weighted by the share of the 2<sup>t</sup> sign paths that reach it), as a {@code List} with one
     * {@code Map<String, Number>} per step whose weights sum to 1. A dataset that can enumerate its search space
     * supplies it; methods that train superpositions (CoT2) and probes that measure them read it, and the platform puts
     * its words into the vocabulary.
     */
    public static final String STEP_DISTRIBUTIONS = "stepDistributions";

    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        steps = steps == null ? List.of() : List.copyOf(steps);
        extras = extras == null ? Map.of() : Map.copyOf(extras);
    }
}
