package org.latentlab.loss.language;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.junit.jupiter.api.Test;

class LanguageModelLossTest {

    @Test
    void averagesNegativeLogLikelihoodOverLabelledPositionsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] raw = {2f, 0f, -1f, 0.5f, 0.5f, 3f, 1f, 1f, 1f};
            NDArray logits = m.create(raw, new Shape(1, 3, 3));
            NDArray labels = m.create(new int[] {0, LatentTrace.IGNORE, 2}, new Shape(1, 3));
            LatentTrace trace = new LatentTrace(logits, labels, null, Map.of(), 3);
            float loss = new LanguageModelLoss().compute(trace, new LossContext(null, null, null, null)).getFloat();

            double expected = (-logSoftmax(raw, 0, 0) - logSoftmax(raw, 2, 2)) / 2;
            assertEquals(expected, loss, 1e-5);
        }
    }

    @Test
    void nothingLabelledGivesZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.randomNormal(new Shape(2, 4, 5));
            NDArray labels = m.full(new Shape(2, 4), LatentTrace.IGNORE);
            float loss = LanguageModelLoss.crossEntropy(logits, labels).getFloat();
            assertEquals(0f, loss, 0f);
        }
    }

    @Test
    void perfectPredictionApproachesZeroAndWrongOneIsLarge() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new int[] {1}, new Shape(1, 1));
            float right = LanguageModelLoss.crossEntropy(m.create(new float[] {-20f, 20f}, new Shape(1, 1, 2)), labels).getFloat();
            float wrong = LanguageModelLoss.crossEntropy(m.create(new float[] {20f, -20f}, new Shape(1, 1, 2)), labels).getFloat();
            assertEquals(0f, right, 1e-6);
            assertEquals(40f, wrong, 1e-3);
        }
    }

    @Test
    void aSoftTargetAddsItsKlDivergenceAndCountsAsOneMorePosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            // position 0: hard label 0; position 1: soft target (0.5, 0.5, 0); position 2: unsupervised
            float[] raw = {2f, 0f, -1f, 0.5f, 0.5f, 3f, 1f, 1f, 1f};
            NDArray logits = m.create(raw, new Shape(1, 3, 3));
            NDArray labels = m.create(new int[] {0, LatentTrace.IGNORE, LatentTrace.IGNORE}, new Shape(1, 3));
            NDArray soft = m.create(new float[] {0, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0}, new Shape(1, 3, 3));
            LatentTrace trace = new LatentTrace(logits, labels, null, Map.of(LatentTrace.SOFT_TARGETS, soft), 3);
            float loss = new LanguageModelLoss().compute(trace, new LossContext(null, null, null, null)).getFloat();

            double kl = 0.5 * (Math.log(0.5) - logSoftmax(raw, 1, 0)) + 0.5 * (Math.log(0.5) - logSoftmax(raw, 1, 1));
            assertEquals((-logSoftmax(raw, 0, 0) + kl) / 2, loss, 1e-5);
        }
    }

    @Test
    void aModelThatMatchesItsSoftTargetHasZeroLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 0f, -40f}, new Shape(1, 1, 3));
            NDArray labels = m.create(new int[] {LatentTrace.IGNORE}, new Shape(1, 1));
            NDArray soft = m.create(new float[] {0.5f, 0.5f, 0f}, new Shape(1, 1, 3));
            float loss = LanguageModelLoss.withSoftTargets(logits, labels, soft).getFloat();
            assertEquals(0f, loss, 1e-6);
        }
    }

    private static double logSoftmax(float[] raw, int row, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            max = Math.max(max, raw[row * 3 + i]);
        }
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += Math.exp(raw[row * 3 + i] - max);
        }
        return raw[row * 3 + index] - max - Math.log(sum);
    }
}
