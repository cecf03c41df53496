package org.latentlab.method.hrpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;

/** The hybrid input HRPO feeds while reasoning: the gate's equations and where they start. */
class HybridGateTest {

    private final HybridReasoningPolicyOptimization method = new HybridReasoningPolicyOptimization();
    private final Vocabulary vocabulary = Mnns.vocabulary(6);

    /**
     * A user relies on HRPO starting as token chain of thought: at initialisation the decay a lies in [gateInit, 1] (1 where float rounding reaches it), and
     * the input e stays within the gate's bound of the token embedding ê, so close to 1 that e equals ê.
     */
    @Test
    void theGateGivesTheTokenEmbeddingAtInitialisation() {
        for (double gateInit : new double[] {HrpoOptions.DEFAULT_GATE_INIT, 0.999999}) {
            try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 3); NDManager m = model.manager().newSubManager()) {
                method.initialise(model, vocabulary, gateInit == HrpoOptions.DEFAULT_GATE_INIT ? Map.of()
                        : Map.of(HrpoOptions.GATE_INIT, gateInit));
                HybridGate gate = HybridGate.of(model);
                int size = vocabulary.size();
                int[] ids = new int[size];
                for (int v = 0; v < size; v++) {
                    ids[v] = v;
                }
                NDArray tokens = model.embed(m.create(ids, new Shape(1, size))).squeeze(0);   // every token's ê [V, d]
                NDArray logits = m.randomNormal(new Shape(size, size));                         // some distribution per row
                NDArray hidden = HiddenInput.of(model, HrpoOptions.DEFAULT_TEMPERATURE, m).from(logits);
                float[] a = gate.decay(tokens, m).toFloatArray();
                float[] e = gate.mix(tokens, hidden, m).toFloatArray();
                float[] plain = tokens.toFloatArray();
                float[] h = hidden.toFloatArray();
                double bound = Math.sqrt(1 - gateInit * gateInit + HybridGate.EPSILON);
                double largest = 0;
                for (int k = 0; k < a.length; k++) {
                    assertTrue(a[k] >= gateInit - 1e-6 && a[k] <= 1f, "a = " + a[k] + " at gateInit " + gateInit);
                    double deviation = Math.abs(e[k] - plain[k]);
                    assertTrue(deviation <= (1 - gateInit) * Math.abs(plain[k]) + bound * Math.abs(h[k]) + 1e-6,
                            "e strays from ê by " + deviation + " at gateInit " + gateInit);
                    largest = Math.max(largest, Math.abs(plain[k]));
                    if (gateInit > 0.9999) {
                        assertEquals(plain[k], e[k], 3e-3 * (Math.abs(h[k]) + Math.abs(plain[k])) + 1e-6);
                    }
                }
                assertTrue(largest > 0.01, "the embeddings are not trivially zero");
            }
        }
    }

    /** A user relies on the paper's equations, checked by hand on d = 2 with chosen gate parameters. */
    @Test
    void theMixingFollowsThePaperByHand() {
        double[][] wr = {{0.5, -1}, {2, 0.25}};
        double[] br = {0.1, -0.2};
        double[][] wi = {{1, 0.4}, {-0.3, -1}};
        double[] bi = {0, 0.3};
        double[] lambda = {0.7, -1.2};
        double[] token = {0.3, -0.6};
        double[] hidden = {1.5, 0.4};
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            HybridGate gate = new HybridGate(m.create(floats(wr), new Shape(2, 2)), m.create(floats(br)),
                    m.create(floats(wi), new Shape(2, 2)), m.create(floats(bi)), m.create(floats(lambda)));
            NDArray e = gate.mix(m.create(floats(token), new Shape(1, 2)), m.create(floats(hidden), new Shape(1, 2)), m);
            float[] actual = e.toFloatArray();
            for (int k = 0; k < 2; k++) {
                double r = sigmoid(token[0] * wr[0][k] + token[1] * wr[1][k] + br[k]);
                double i = sigmoid(token[0] * wi[0][k] + token[1] * wi[1][k] + bi[k]);
                double a = Math.exp(-8 * Math.log1p(Math.exp(-lambda[k])) * r);
                double expected = a * token[k] + Math.sqrt(1 - a * a + HybridGate.EPSILON) * i * hidden[k];
                assertEquals(expected, actual[k], 1e-6, "dimension " + k);
            }
        }
    }

    /** A user relies on h̃ = pᵀE / ‖p‖ with p = softmax(logits / τ), checked by hand against the model's embeddings. */
    @Test
    void theHiddenInputIsTheNormalisedMixtureOfEmbeddings() {
        double temperature = 0.7;
        try (Backbone model = Mnns.backbone(vocabulary, 8, 1, 5); NDManager m = model.manager().newSubManager()) {
            int size = vocabulary.size();
            float[] logits = new float[size];
            for (int v = 0; v < size; v++) {
                logits[v] = (float) Math.sin(3 * v);
            }
            float[] actual = HiddenInput.of(model, temperature, m).from(m.create(logits, new Shape(1, size))).toFloatArray();
            int[] ids = new int[size];
            for (int v = 0; v < size; v++) {
                ids[v] = v;
            }
            float[] embeddings = model.embed(m.create(ids, new Shape(1, size))).toFloatArray();
            double[] p = new double[size];
            double total = 0;
            for (int v = 0; v < size; v++) {
                p[v] = Math.exp(logits[v] / temperature);
                total += p[v];
            }
            double squares = 0;
            for (int v = 0; v < size; v++) {
                p[v] /= total;
                squares += p[v] * p[v];
            }
            for (int k = 0; k < 8; k++) {
                double expected = 0;
                for (int v = 0; v < size; v++) {
                    expected += p[v] * embeddings[v * 8 + k];
                }
                assertEquals(expected / Math.sqrt(squares), actual[k], 1e-5, "dimension " + k);
            }
        }
    }

    /** A user relies on Λ's initialisation meaning what gateInit says: a = base^r. */
    @Test
    void lambdaTurnsTheBaseIntoTheDecay() {
        for (double base : new double[] {0.5, 0.99, 0.999999}) {
            double softplus = Math.log1p(Math.exp(-HybridGate.lambdaFor(base)));
            assertEquals(base, Math.exp(-HybridGate.C * softplus), 1e-9);
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float[] floats(double... values) {
        float[] out = new float[values.length];
        for (int k = 0; k < values.length; k++) {
            out[k] = (float) values[k];
        }
        return out;
    }

    private static float[] floats(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int j = 0; j < rows.length; j++) {
            for (int k = 0; k < rows[j].length; k++) {
                out[j * rows[j].length + k] = (float) rows[j][k];
            }
        }
        return out;
    }
}
