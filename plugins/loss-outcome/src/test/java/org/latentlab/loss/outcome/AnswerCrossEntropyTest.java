package org.latentlab.loss.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.junit.jupiter.api.Test;

class AnswerCrossEntropyTest {

    private static final int I = LatentTrace.IGNORE;
    private final Vocabulary vocabulary = Vocabulary.of(tokens());

    private static List<String> tokens() {
        List<String> tokens = new ArrayList<>(Vocabulary.RESERVED);
        tokens.addAll(List.of("step", "yes", "no"));
        return tokens;
    }

    private int id(String token) {
        return vocabulary.id(token);
    }

    @Test
    void onlyTheAnswerMarkerTheAnswerAndItsEndAreSupervisedNotTheSteps() {
        try (NDManager m = NDManager.newBaseManager()) {
            int v = vocabulary.size();
            // row 0: step, <answer>, yes, <eos>, padding; row 1: <answer>, no, <eos>, padding, padding
            int[] labels = {id("step"), id(Vocabulary.ANSWER), id("yes"), id(Vocabulary.EOS), I,
                    id(Vocabulary.ANSWER), id("no"), id(Vocabulary.EOS), I, I};
            NDArray logits = m.randomNormal(new Shape(2, 5, v));
            float loss = compute(m, logits, m.create(labels, new Shape(2, 5)));

            float[] raw = logits.toFloatArray();
            double expected = -(logSoftmax(raw, v, 1, id(Vocabulary.ANSWER)) + logSoftmax(raw, v, 2, id("yes"))
                    + logSoftmax(raw, v, 3, id(Vocabulary.EOS)) + logSoftmax(raw, v, 5, id(Vocabulary.ANSWER))
                    + logSoftmax(raw, v, 6, id("no")) + logSoftmax(raw, v, 7, id(Vocabulary.EOS))) / 6;
            assertEquals(expected, loss, 1e-5);
        }
    }

    @Test
    void whatTheModelSaysBeforeTheAnswerDoesNotChangeTheLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            int v = vocabulary.size();
            NDArray labels = m.create(new int[] {id("step"), id(Vocabulary.ANSWER), id("yes"), id(Vocabulary.EOS)}, new Shape(1, 4));
            NDArray logits = m.randomNormal(new Shape(1, 4, v));
            NDArray changed = logits.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex("0, 0:1, :"), m.randomNormal(new Shape(1, v)).mul(10f));
            assertEquals(compute(m, logits, labels), compute(m, changed, labels), 1e-6);
            NDArray wrongAnswer = logits.duplicate();
            wrongAnswer.set(new ai.djl.ndarray.index.NDIndex("0, 2, {}", id("yes")), -30f);
            assertTrue(compute(m, wrongAnswer, labels) > compute(m, logits, labels) + 1);
        }
    }

    @Test
    void aBatchWithoutAnAnswerIsRefusedWithASentence() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new int[] {id("step"), id("yes")}, new Shape(1, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> compute(m, m.randomNormal(new Shape(1, 2, vocabulary.size())), labels));
            assertTrue(e.getMessage().contains("<answer>"), e.getMessage());
        }
    }

    private float compute(NDManager m, NDArray logits, NDArray labels) {
        LatentTrace trace = new LatentTrace(logits, labels, null, Map.of(), labels.size());
        Batch batch = new Batch(List.of(), vocabulary, m);
        return new AnswerCrossEntropy().compute(trace, new LossContext(null, batch, null, null)).getFloat();
    }

    private static double logSoftmax(float[] raw, int v, int position, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, raw[position * v + j]);
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(raw[position * v + j] - max);
        }
        return raw[position * v + token] - max - Math.log(sum);
    }
}
