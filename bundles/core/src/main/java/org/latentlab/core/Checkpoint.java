package org.latentlab.core;

import java.util.List;

import org.latentlab.api.experiment.EvaluationResult;

/**
 * A run's {@code checkpoints/step-N/state.json}: where training stands, so that a resumed run continues exactly where it
 * was (next to it, {@code model.params} and, within a phase, {@code optimizer.bin}).
 *
 * @param phase         what training does next: {@link #SUPERVISED}, {@link #POLICY} or {@link #TRAINED} (only evaluation left)
 * @param stage         the curriculum stage of the next step (for policy optimization, the stage it acts at)
 * @param epoch         the epoch of the next step within its stage or phase
 * @param batch         the next batch within that epoch
 * @param phaseStep     optimizer steps taken in this phase (the learning-rate schedule's position)
 * @param step          optimizer steps of the whole run
 * @param tokens        training tokens of the whole run
 * @param loss          the last training loss, or null before the first step
 * @param trainSeconds  seconds spent training so far
 * @param windowTokens  tokens since the last metrics line
 * @param windowReward  summed mean rewards since the last metrics line
 * @param windowRewards steps summed into {@code windowReward}
 * @param order         the data-order generator's state from which the batch at {@code epoch} is shuffled again
 * @param sampling      the rollout-sampling generator's state
 * @param skipped       updates skipped for a non-finite gradient
 * @param notes         the run's notes so far
 * @param failedProbes  probes that failed during training and are not run again until after it
 * @param evaluations   evaluations already made (the supervised test before policy optimization)
 */
record Checkpoint(String phase, int stage, int epoch, int batch, long phaseStep, long step, long tokens, Double loss,
                  double trainSeconds, long windowTokens, double windowReward, int windowRewards, ResumableRandom.State order,
                  ResumableRandom.State sampling, int skipped, List<String> notes, List<String> failedProbes,
                  List<EvaluationResult> evaluations) {

    static final String SUPERVISED = "supervised";
    static final String POLICY = "policy";
    static final String TRAINED = "trained";

    Checkpoint {
        notes = List.copyOf(notes);
        failedProbes = List.copyOf(failedProbes);
        evaluations = List.copyOf(evaluations);
    }
}
