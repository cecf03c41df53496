package org.latentlab.api.experiment;

/**
 * One line of a run's {@code metrics.jsonl}.
 *
 * @param step            optimizer step
 * @param stage           curriculum stage index
 * @param loss            weighted training loss at this step
 * @param learningRate    learning rate used at this step
 * @param tokensPerSecond training positions per second since the previous line
 * @param elapsedSeconds  seconds since training started
 * @param reward          mean reward of the rollouts of the steps since the previous line, during policy optimization;
 *                        else null
 */
public record MetricsRecord(long step, int stage, double loss, double learningRate, double tokensPerSecond, double elapsedSeconds,
                            Double reward) {

    /** A line of supervised training, which has no reward. */
    public MetricsRecord(long step, int stage, double loss, double learningRate, double tokensPerSecond, double elapsedSeconds) {
        this(step, stage, loss, learningRate, tokensPerSecond, elapsedSeconds, null);
    }
}
