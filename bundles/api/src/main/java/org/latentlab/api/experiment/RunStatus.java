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
 * @param secondsLeft     estimated seconds of training left, or null when unknown
 * @param message         what went wrong, or what the run is doing
 * @param created         when it was submitted (ISO-8601)
 * @param updated         when this status was written (ISO-8601)
 */
public record RunStatus(String id, String name, String method, RunState state, long step, long totalSteps, String stage,
                        Double loss, Double tokensPerSecond, Double secondsLeft, String message, String created, String updated) {

    /** A new run, queued now. */
    public static RunStatus queued(String id, String name, String method) {
        String now = Instant.now().toString();
        return new RunStatus(id, name, method, RunState.QUEUED, 0, 0, null, null, null, null, "waiting for the trainer", now, now);
    }

    /** The same run in another state, with a message saying why. */
    public RunStatus with(RunState newState, String newMessage) {
        return new RunStatus(id, name, method, newState, step, totalSteps, stage, loss, tokensPerSecond,
                newState == RunState.RUNNING ? secondsLeft : null, newMessage, created, Instant.now().toString());
    }

    /** The same run after some training. */
    public RunStatus progress(long newStep, long newTotal, String newStage, Double newLoss, Double newTokensPerSecond, Double newSecondsLeft) {
        return new RunStatus(id, name, method, state, newStep, newTotal, newStage, newLoss, newTokensPerSecond, newSecondsLeft,
                message, created, Instant.now().toString());
    }
}
