package org.latentlab.api.experiment;

/**
 * Group Relative Policy Optimization (Shao et al., "DeepSeekMath", section 4.1) after the method's supervised
 * curriculum: for each prompt the policy samples a group of rollouts, a reward service scores them, each rollout's
 * advantage is its reward normalised within the group, and the clipped importance-ratio objective, less an optional
 * KL penalty to the policy as supervised training left it, is maximised. The method must be a policy
 * ({@link org.latentlab.api.Capability#POLICY_LOGPROB}).
 *
 * @param reward       the reward service and its options ({@code "exact-answer"} unless given)
 * @param epochs       passes over the training prompts
 * @param maxSteps     stop after this many optimizer steps (0: no limit)
 * @param prompts      prompts per step
 * @param groupSize    rollouts sampled per prompt
 * @param learningRate learning rate, constant after the warm-up
 * @param warmupSteps  linear warm-up steps
 * @param clip         ε of the clipped ratio {@code clip(ρ, 1 − ε, 1 + ε)}
 * @param klWeight     β of the KL penalty to the reference policy (0: none, and no reference is kept)
 * @param updates      optimizer steps on each batch of rollouts (1: on-policy)
 */
public record GrpoSpec(ComponentSpec reward, Integer epochs, Integer maxSteps, Integer prompts, Integer groupSize,
                       Double learningRate, Integer warmupSteps, Double clip, Double klWeight, Integer updates) {
    public GrpoSpec {
        reward = reward == null ? ComponentSpec.named("exact-answer") : reward;
        epochs = epochs == null ? 1 : epochs;
        maxSteps = maxSteps == null ? 0 : maxSteps;
        prompts = prompts == null ? 8 : prompts;
        groupSize = groupSize == null ? 8 : groupSize;
        learningRate = learningRate == null ? 1e-4 : learningRate;
        warmupSteps = warmupSteps == null ? 0 : warmupSteps;
        clip = clip == null ? 0.2 : clip;
        klWeight = klWeight == null ? 0.0 : klWeight;
        updates = updates == null ? 1 : updates;
    }
}
