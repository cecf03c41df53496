package org.latentlab.api.method;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link Policy} sampled for a batch, one rollout per example, in the batch's order.
 *
 * @param answers          each rollout's answer, which the reward scores
 * @param actions          the sampled actions, in whatever arrays the method needs to score them again (token ids,
 *                         continuous latents...); the platform only hands them back
 * @param logProbabilities {@code [rollouts, steps]} the log-probability of each step's action under the sampling
 *                         policy, without gradient
 * @param mask             {@code [rollouts, steps]} 1 at a step that counts, 0 past a rollout's end
 */
public record Rollouts(List<Answer> answers, Map<String, NDArray> actions, NDArray logProbabilities, NDArray mask) {
    public Rollouts {
        answers = List.copyOf(answers);
        actions = actions == null ? Map.of() : Map.copyOf(actions);
    }
}
