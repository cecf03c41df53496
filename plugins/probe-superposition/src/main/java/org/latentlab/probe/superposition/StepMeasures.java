package org.latentlab.probe.superposition;

import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Vocabulary;

/**
 * What one latent step of one example shows: the model's distribution over the vocabulary against the ideal
 * superposition of that step.
 *
 * @param reachableMass           the model's probability on the words of the ideal's support that the vocabulary has
 * @param missingMass             the ideal's weight on words the vocabulary lacks: mass no model can place
 * @param pathsAboveThreshold     vocabulary entries the model gives more than the threshold
 * @param reachableAboveThreshold those of them in the ideal's support
 * @param idealPathsAboveThreshold words the ideal gives more than the threshold (the vocabulary's or not)
 * @param entropy                 entropy of the model's distribution, in nats
 * @param idealEntropy            entropy of the ideal, in nats
 * @param kl                      KL(ideal || model) in nats, the model's probabilities floored at {@value #FLOOR}; a word the
 *                                vocabulary lacks has model probability 0, so it adds its weight times ln(weight / floor)
 * @param writtenStepMass         the model's probability on the written step's word (0 when the vocabulary lacks it), or null
 *                                when the example writes no step here or writes it as more than one word
 * @param idealWrittenStepMass    the ideal's weight on the written step's word (the share of paths through it), or null likewise
 */
record StepMeasures(double reachableMass, double missingMass, int pathsAboveThreshold, int reachableAboveThreshold,
                    int idealPathsAboveThreshold, double entropy, double idealEntropy, double kl, Double writtenStepMass,
                    Double idealWrittenStepMass) {

    /** The least probability the KL divergence divides by. */
    static final double FLOOR = 1e-12;

    /**
     * Measures the model's distribution {@code probabilities[offset .. offset + vocabulary.size())} against {@code ideal}
     * (word to weight), with {@code written} the step the example writes or null.
     */
    static StepMeasures measure(float[] probabilities, int offset, Map<String, Double> ideal, Vocabulary vocabulary, double threshold,
                                String written) {
        int size = vocabulary.size();
        boolean[] reachable = new boolean[size];
        double reachableMass = 0;
        double missingMass = 0;
        double idealEntropy = 0;
        double kl = 0;
        int idealPaths = 0;
        for (Map.Entry<String, Double> entry : ideal.entrySet()) {
            double weight = entry.getValue();
            if (weight <= 0) {
                continue;
            }
            idealEntropy -= weight * Math.log(weight);
            if (weight > threshold) {
                idealPaths++;
            }
            double model = 0;
            if (vocabulary.contains(entry.getKey())) {
                int id = vocabulary.id(entry.getKey());
                reachable[id] = true;
                model = probabilities[offset + id];
                reachableMass += model;
            } else {
                missingMass += weight;
            }
            kl += weight * Math.log(weight / Math.max(model, FLOOR));
        }
        int paths = 0;
        int reachablePaths = 0;
        double entropy = 0;
        for (int id = 0; id < size; id++) {
            double p = probabilities[offset + id];
            if (p > 0) {
                entropy -= p * Math.log(p);
            }
            if (p > threshold) {
                paths++;
                if (reachable[id]) {
                    reachablePaths++;
                }
            }
        }
        Double writtenMass = null;
        Double idealWrittenMass = null;
        List<String> words = written == null ? List.of() : Vocabulary.words(written);
        if (words.size() == 1) {
            String word = words.get(0);
            writtenMass = vocabulary.contains(word) ? (double) probabilities[offset + vocabulary.id(word)] : 0.0;
            idealWrittenMass = ideal.getOrDefault(word, 0.0);
        }
        return new StepMeasures(reachableMass, missingMass, paths, reachablePaths, idealPaths, entropy, idealEntropy, kl, writtenMass,
                idealWrittenMass);
    }
}
