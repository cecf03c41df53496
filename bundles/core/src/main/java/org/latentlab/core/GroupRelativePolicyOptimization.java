package org.latentlab.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.experiment.GrpoSpec;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.Policy;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.reward.Reward;
import org.latentlab.engine.ComputeEngine;

/**
 * Group Relative Policy Optimization (Shao et al., "DeepSeekMath", section 4.1.2, outcome supervision): per prompt a
 * group of G rollouts, rewards normalised within the group as every step's advantage, and the clipped surrogate
 * <pre>
 *   J = 1/G Σ_i 1/|o_i| Σ_t [ min(ρ_it A_i, clip(ρ_it, 1 − ε, 1 + ε) A_i) − β KL_it ],   ρ_it = exp(log π(o_it) − log π_old(o_it))
 * </pre>
 * with the unbiased KL estimator KL_it = exp(r) − r − 1, r = log π_ref(o_it) − log π(o_it). It sees a method only through
 * {@link Policy}: per-step log-probabilities of actions it never interprets.
 */
final class GroupRelativePolicyOptimization {

    /** What one optimizer step did, for the metrics. */
    record StepOutcome(double loss, double meanReward, double kl, long tokens) {
    }

    private final ComputeEngine engine;
    private final GrpoSpec spec;
    private final Policy policy;
    private final Reward reward;
    private final Vocabulary vocabulary;
    private final CurriculumStage stage;
    private final Decoding decoding;

    GroupRelativePolicyOptimization(ComputeEngine engine, GrpoSpec spec, Policy policy, Reward reward, Vocabulary vocabulary,
                                    CurriculumStage stage, Decoding decoding) {
        this.engine = engine;
        this.spec = spec;
        this.policy = policy;
        this.reward = reward;
        this.vocabulary = vocabulary;
        this.stage = stage;
        this.decoding = decoding;
    }

    /** Optimizer steps the spec asks for over {@code prompts} training prompts. */
    static long plannedSteps(GrpoSpec spec, int prompts) {
        long batches = (long) spec.epochs() * ((prompts + spec.prompts() - 1) / spec.prompts());
        long planned = batches * spec.updates();
        return spec.maxSteps() > 0 ? Math.min(planned, spec.maxSteps()) : planned;
    }

    /** Each prompt of the epoch's order, in batches of {@code prompts}, every prompt repeated G times in a row. */
    static List<List<Example>> groups(List<Example> train, GrpoSpec spec, Random order) {
        List<Example> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, order);
        List<List<Example>> batches = new ArrayList<>();
        for (int from = 0; from < shuffled.size(); from += spec.prompts()) {
            List<Example> repeated = new ArrayList<>();
            for (Example e : shuffled.subList(from, Math.min(from + spec.prompts(), shuffled.size()))) {
                for (int g = 0; g < spec.groupSize(); g++) {
                    repeated.add(e);
                }
            }
            batches.add(repeated);
        }
        return batches;
    }

    /**
     * The group-relative advantage of each rollout: (r − mean) / std within its group of {@code groupSize} consecutive
     * rollouts (population standard deviation), and 0 for every rollout of a group whose rewards are all equal, which
     * carries no signal about which action was better.
     */
    static double[] advantages(double[] rewards, int groupSize) {
        if (groupSize <= 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not split into groups of " + groupSize + ".");
        }
        double[] out = new double[rewards.length];
        for (int from = 0; from < rewards.length; from += groupSize) {
            double mean = 0;
            for (int i = from; i < from + groupSize; i++) {
                mean += rewards[i];
            }
            mean /= groupSize;
            double variance = 0;
            for (int i = from; i < from + groupSize; i++) {
                variance += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(variance / groupSize);
            for (int i = from; i < from + groupSize; i++) {
                out[i] = std < 1e-12 ? 0.0 : (rewards[i] - mean) / std;
            }
        }
        return out;
    }

    /**
     * −J, the loss to minimise: {@code logProbabilities}, {@code oldLogProbabilities}, {@code referenceLogProbabilities}
     * (null without a KL penalty) and {@code mask} are {@code [rollouts, steps]}, {@code advantages} {@code [rollouts]}.
     * A rollout without any step counts as having one, so it adds nothing.
     */
    static NDArray loss(NDArray logProbabilities, NDArray oldLogProbabilities, NDArray advantages, NDArray mask, double clip,
                        NDArray referenceLogProbabilities, double klWeight) {
        NDArray ratio = logProbabilities.sub(oldLogProbabilities).exp();
        NDArray a = advantages.expandDims(-1);
        NDArray surrogate = ratio.mul(a).minimum(ratio.clip(1 - clip, 1 + clip).mul(a));
        if (referenceLogProbabilities != null && klWeight > 0) {
            // the weight as an array of the step: the backward pass of a product reads its operand, which mul(Number) frees
            NDArray beta = logProbabilities.getManager().create((float) klWeight);
            surrogate = surrogate.sub(klEstimate(logProbabilities, referenceLogProbabilities).mul(beta));
        }
        NDArray lengths = mask.sum(new int[] {1}).maximum(1f);
        NDArray perRollout = surrogate.mul(mask).sum(new int[] {1}).div(lengths);
        return perRollout.mean().neg();
    }

    /** The per-step KL estimate exp(r) − r − 1 with r = log π_ref − log π (Schulman's k3: unbiased, never negative). */
    static NDArray klEstimate(NDArray logProbabilities, NDArray referenceLogProbabilities) {
        NDArray r = referenceLogProbabilities.sub(logProbabilities);
        return r.exp().sub(r).sub(1f);
    }

    /**
     * Samples the groups of {@code batch} (each prompt repeated G times), scores them, and runs {@link GrpoSpec#updates()}
     * optimizer steps on them through {@code update}; returns one outcome per optimizer step.
     */
    List<StepOutcome> step(Backbone model, Backbone reference, List<Example> batch, Random random, Update update) throws Exception {
        List<StepOutcome> outcomes = new ArrayList<>();
        try (NDManager scope = model.manager().newSubManager()) {
            Batch rolloutBatch = new Batch(batch, vocabulary, scope);
            Rollouts rollouts = engine.withoutGradients(() -> policy.sample(model, rolloutBatch, stage, decoding, random));
            double[] rewards = new double[batch.size()];
            double total = 0;
            for (int i = 0; i < rewards.length; i++) {
                rewards[i] = reward.score(batch.get(i), rollouts.answers().get(i), spec.reward().options());
                if (!Double.isFinite(rewards[i])) {
                    throw new IllegalStateException("The reward '" + spec.reward().name() + "' gave " + rewards[i]
                            + " for example " + batch.get(i).id() + "; a reward must be a finite number.");
                }
                total += rewards[i];
            }
            double meanReward = total / rewards.length;
            float[] advantage = toFloats(advantages(rewards, spec.groupSize()));
            NDArray advantages = scope.create(advantage).toDevice(rollouts.mask().getDevice(), false);
            NDArray old = rollouts.logProbabilities().stopGradient();
            NDArray mask = rollouts.mask().toType(DataType.FLOAT32, false);
            NDArray referenceLog = reference == null ? null
                    : engine.withoutGradients(() -> policy.logProbabilities(reference, rolloutBatch, rollouts, stage).stopGradient());
            long tokens = (long) mask.sum().getFloat();
            for (int u = 0; u < spec.updates(); u++) {
                double[] kl = {Double.NaN};
                double loss = engine.train(collector -> {
                    NDArray current = policy.logProbabilities(model, rolloutBatch, rollouts, stage);
                    NDArray value = loss(current, old, advantages, mask, spec.clip(), referenceLog, spec.klWeight());
                    if (referenceLog != null) {
                        kl[0] = klEstimate(current, referenceLog).mul(mask).sum().div(mask.sum().maximum(1f)).getFloat();
                    }
                    collector.backward(value);
                    return (double) value.getFloat();
                });
                update.apply(loss);
                outcomes.add(new StepOutcome(loss, meanReward, kl[0], tokens));
            }
        }
        return outcomes;
    }

    /** What the caller does after each backward pass: the optimizer step and its bookkeeping. */
    @FunctionalInterface
    interface Update {
        void apply(double loss) throws Exception;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
