package org.latentlab.api.method;

import java.util.List;

/**
 * What a method produced for one question.
 *
 * @param reasoning       the explicit reasoning tokens it wrote (empty for answer-only and latent methods)
 * @param answer          the answer tokens, which exact match compares
 * @param generatedTokens every token it generated, reasoning and answer, end-of-sequence excluded
 * @param latentSteps     continuous steps it took
 */
public record Answer(List<String> reasoning, List<String> answer, int generatedTokens, int latentSteps) {
    public Answer {
        reasoning = List.copyOf(reasoning);
        answer = List.copyOf(answer);
    }
}
