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
    public Example {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        steps = steps == null ? List.of() : List.copyOf(steps);
        extras = extras == null ? Map.of() : Map.copyOf(extras);
    }
}
