package org.latentlab.api.experiment;

/**
 * How to train: AdamW with linear warm-up then cosine decay, gradient clipping by global norm.
 *
 * @param epochs       passes over the training set (split across curriculum stages by the method)
 * @param maxSteps     stop after this many optimizer steps (0: no limit)
 * @param batchSize    examples per step
 * @param learningRate peak learning rate
 * @param weightDecay  decoupled weight decay on matrices
 * @param warmupSteps  linear warm-up steps
 * @param gradientClip maximum global gradient norm (0: no clipping)
 * @param logEvery     write a metrics line every this many steps
 * @param checkpointEvery write a checkpoint (parameters, optimizer state, data order, random state) every this many
 *                     optimizer steps, besides the ones at each curriculum stage switch and at the end of training
 *                     (0: only those)
 */
public record TrainingSpec(Integer epochs, Integer maxSteps, Integer batchSize, Double learningRate, Double weightDecay,
                           Integer warmupSteps, Double gradientClip, Integer logEvery, Integer checkpointEvery) {
    public TrainingSpec {
        epochs = epochs == null ? 1 : epochs;
        maxSteps = maxSteps == null ? 0 : maxSteps;
        batchSize = batchSize == null ? 16 : batchSize;
        learningRate = learningRate == null ? 1e-3 : learningRate;
        weightDecay = weightDecay == null ? 0.01 : weightDecay;
        warmupSteps = warmupSteps == null ? 20 : warmupSteps;
        gradientClip = gradientClip == null ? 1.0 : gradientClip;
        logEvery = logEvery == null ? 10 : logEvery;
        checkpointEvery = checkpointEvery == null ? 100 : checkpointEvery;
    }

    /** Checkpoints every 100 steps. */
    public TrainingSpec(Integer epochs, Integer maxSteps, Integer batchSize, Double learningRate, Double weightDecay,
                        Integer warmupSteps, Double gradientClip, Integer logEvery) {
        this(epochs, maxSteps, batchSize, learningRate, weightDecay, warmupSteps, gradientClip, logEvery, null);
    }
}
