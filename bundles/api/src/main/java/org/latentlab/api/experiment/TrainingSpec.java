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
 */
public record TrainingSpec(Integer epochs, Integer maxSteps, Integer batchSize, Double learningRate, Double weightDecay,
                           Integer warmupSteps, Double gradientClip, Integer logEvery) {
    public TrainingSpec {
        epochs = epochs == null ? 1 : epochs;
        maxSteps = maxSteps == null ? 0 : maxSteps;
        batchSize = batchSize == null ? 16 : batchSize;
        learningRate = learningRate == null ? 1e-3 : learningRate;
        weightDecay = weightDecay == null ? 0.01 : weightDecay;
        warmupSteps = warmupSteps == null ? 20 : warmupSteps;
        gradientClip = gradientClip == null ? 1.0 : gradientClip;
        logEvery = logEvery == null ? 10 : logEvery;
    }
}
