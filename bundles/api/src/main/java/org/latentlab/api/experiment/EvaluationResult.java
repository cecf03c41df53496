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
 * @param latencyMsPerExample  wall time per example: the set's answering time over its examples, answered in batches
 * @param meanDecodes          with test-time search, complete answers decoded per example (the decoding budget spent);
 *                             null without
 * @param meanReward           with test-time search, the mean reward of the answers given, under the search's reward;
 *                             null without
 */
public record EvaluationResult(String set, int examples, int correct, double accuracy, double meanGeneratedTokens,
                               double meanLatentSteps, double latencyMsPerExample, Double meanDecodes, Double meanReward) {

    /** A result without test-time search, as API 1.0 to 1.3 built it. */
    public EvaluationResult(String set, int examples, int correct, double accuracy, double meanGeneratedTokens,
                            double meanLatentSteps, double latencyMsPerExample) {
        this(set, examples, correct, accuracy, meanGeneratedTokens, meanLatentSteps, latencyMsPerExample, null, null);
    }
}
