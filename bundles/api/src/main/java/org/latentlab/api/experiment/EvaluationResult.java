package org.latentlab.api.experiment;

/**
 * Accuracy of a trained method on one evaluation set.
 *
 * @param set                  "test" or the evaluation file's name
 * @param examples             examples evaluated
 * @param correct              exact matches
 * @param accuracy             correct / examples
 * @param meanGeneratedTokens  tokens generated per example
 * @param meanLatentSteps      continuous steps per example
 * @param latencyMsPerExample  wall time per example
 */
public record EvaluationResult(String set, int examples, int correct, double accuracy, double meanGeneratedTokens,
                               double meanLatentSteps, double latencyMsPerExample) {
}
