package org.latentlab.api.experiment;

import java.time.Instant;

/**
 * A run's {@code status.json}.
 *
 * @param id              the run id
 * @param name            the spec's name
 * @param method          the method's component name
 * @param state           where the run is
 * @param step            optimizer steps done
 * @param totalSteps      optimizer steps planned
 * @param stage           the curriculum stage being trained
 * @param loss            the latest training loss
 * @param tokensPerSecond the latest training throughput
 * @param message         what went wrong, or what the run is doing
 * @param created         when it was submitted
 * @param updated         when this status was written
 */
public record RunStatus(String id, String name, String method, RunState state, long step, long totalSteps, String stage,
                        Double loss, Double tokensPerSecond, String message, Instant created, Instant updated) {

    public RunStatus with(RunState newState, String newMessage) {
        return new RunStatus(id, name, method, newState, step, totalSteps, stage, loss, tokensPerSecond, newMessage, created, Instant.now());
    }

    public RunStatus progress(long newStep, String newStage, Double newLoss, Double newTokensPerSecond) {
        return new RunStatus(id, name, method, state, newStep, totalSteps, newStage, newLoss, newTokensPerSecond, message, created, Instant.now());
    }

    /** Estimated seconds left from the elapsed time and the fraction of steps done, or -1 when unknown. */
    public double secondsLeft(double elapsedSeconds) {
        if (step <= 0 || totalSteps <= 0) {
            return -1;
        }
        return elapsedSeconds * (totalSteps - step) / step;
    }
}
