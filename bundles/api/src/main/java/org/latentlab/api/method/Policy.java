package org.latentlab.api.method;

import java.util.Random;

import ai.djl.ndarray.NDArray;

import org.latentlab.api.model.Backbone;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A method that can act as a policy for the platform's policy-gradient trainers (GRPO): it samples rollouts and scores
 * their actions again under other parameters. The trainer knows nothing of how a method acts; it sees per-step
 * log-probabilities only. A method that implements it declares {@link org.latentlab.api.Capability#POLICY_LOGPROB}.
 *
 * <p>A step's log-probability is whatever the method's importance ratio at that step should be the exponential of
 * the difference of: for one sampled token it is that token's log-probability; a method that samples several tokens in
 * one step (CoT2's multi-token sampling) gives their mean, so the ratio is the geometric mean of the tokens' ratios.
 */
@ConsumerType
public interface Policy {

    /**
     * Samples one rollout per example of {@code batch} (the trainer repeats an example for a group), as the method acts
     * when trained at {@code stage}, generating at most {@link Decoding#maxNewTokens()} tokens per rollout beyond its
     * latent steps, drawing every random choice from {@code random}. Called without gradient recording.
     */
    Rollouts sample(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Random random);

    /**
     * The log-probabilities {@code [rollouts, steps]} of the rollouts' own actions under {@code model}'s current
     * parameters, laid out as {@link Rollouts#logProbabilities()}; gradients flow through them when recorded.
     */
    NDArray logProbabilities(Backbone model, Batch batch, Rollouts rollouts, CurriculumStage stage);
}
