package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

class AdamWTest {

    private final Engine engine = Engine.getEngine("PyTorch");

    private void backward(java.util.function.Supplier<NDArray> loss) {
        try (GradientCollector collector = engine.newGradientCollector()) {
            collector.backward(loss.get());
        }
    }

    @Test
    void theFirstStepMovesEachWeightByTheLearningRateAndZeroesTheGradient() {
        try (NDManager m = engine.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            try (AdamW adam = new AdamW(Map.of("w", w), m, 0.0)) {
                backward(() -> w.mul(3f).sum());
                double norm = adam.step(0.1, 0);
                assertEquals(Math.sqrt(18), norm, 1e-5, "global norm of the gradient (3, 3)");
                // m̂ / √v̂ = g / |g| = 1 on the first step
                assertArrayEquals(new float[] {0.9f, 1.9f}, w.toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {0f, 0f}, w.getGradient().toFloatArray(), 0f);
            }
        }
    }

    /**
     * Five steps of a decayed matrix, an undecayed vector with a learning-rate factor, under clipping that bites from the
     * third step, follow decoupled AdamW written out in doubles: m̂ / (√v̂ + ε) with bias corrections, θ ← θ − lr·λ·θ first.
     */
    @Test
    void severalStepsFollowAdamWWrittenOut() {
        try (NDManager m = engine.newBaseManager()) {
            java.util.Random random = new java.util.Random(3);
            float[] w0 = new float[6];
            float[] b0 = new float[3];
            for (int i = 0; i < w0.length; i++) {
                w0[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < b0.length; i++) {
                b0[i] = (float) random.nextGaussian();
            }
            NDArray w = m.create(w0, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray b = m.create(b0);
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            double[][] theta = {toDoubles(w0), toDoubles(b0)};
            double[][] first = {new double[6], new double[3]};
            double[][] second = {new double[6], new double[3]};
            double[] factors = {1.0, 3.0};
            boolean[] decayed = {true, false};
            double lr = 0.01;
            double decay = 0.1;
            double clip = 2.0;
            Map<String, NDArray> parameters = new java.util.LinkedHashMap<>();
            parameters.put("w", w);
            parameters.put("b", b);
            try (AdamW adam = new AdamW(parameters, m, 0.9, 0.95, 1e-8, decay, Map.of("b", 3.0))) {
                for (int t = 1; t <= 5; t++) {
                    float[] gw = new float[6];
                    float[] gb = new float[3];
                    for (int i = 0; i < gw.length; i++) {
                        gw[i] = (float) (random.nextGaussian() * 0.3 * t);
                    }
                    for (int i = 0; i < gb.length; i++) {
                        gb[i] = (float) (random.nextGaussian() * 0.3 * t);
                    }
                    NDArray cw = m.create(gw, new ai.djl.ndarray.types.Shape(2, 3));
                    NDArray cb = m.create(gb);
                    backward(() -> w.mul(cw).sum().add(b.mul(cb).sum()));
                    double[][] g = {toDoubles(gw), toDoubles(gb)};
                    double norm = 0;
                    for (double[] gi : g) {
                        for (double x : gi) {
                            norm += x * x;
                        }
                    }
                    norm = Math.sqrt(norm);
                    assertEquals(norm, adam.step(lr, clip), 1e-4 * norm);
                    double scale = norm > clip ? clip / (norm + 1e-6) : 1.0;
                    for (int k = 0; k < 2; k++) {
                        double rate = lr * factors[k];
                        for (int i = 0; i < theta[k].length; i++) {
                            double gi = g[k][i] * scale;
                            first[k][i] = 0.9 * first[k][i] + 0.1 * gi;
                            second[k][i] = 0.95 * second[k][i] + 0.05 * gi * gi;
                            double mHat = first[k][i] / (1 - Math.pow(0.9, t));
                            double vHat = second[k][i] / (1 - Math.pow(0.95, t));
                            if (decayed[k]) {
                                theta[k][i] -= rate * decay * theta[k][i];
                            }
                            theta[k][i] -= rate * mHat / (Math.sqrt(vHat) + 1e-8);
                        }
                    }
                    assertArrayEquals(toFloats(theta[0]), w.toFloatArray(), 2e-5f, "the matrix after step " + t);
                    assertArrayEquals(toFloats(theta[1]), b.toFloatArray(), 2e-5f, "the vector after step " + t);
                    assertArrayEquals(new float[6], w.getGradient().toFloatArray(), 0f, "the gradient is zeroed");
                }
            }
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    /** HRPO trains its gates faster than the backbone: a parameter's factor multiplies its step, and a factor 0 freezes it. */
    @Test
    void aLearningRateFactorScalesOneParametersStep() {
        try (NDManager m = engine.newBaseManager()) {
            NDArray fast = m.create(new float[] {1f});
            NDArray plain = m.create(new float[] {1f});
            NDArray frozen = m.create(new float[] {1f});
            for (NDArray p : List.of(fast, plain, frozen)) {
                p.setRequiresGradient(true);
            }
            Map<String, NDArray> parameters = new java.util.LinkedHashMap<>();
            parameters.put("fast", fast);
            parameters.put("plain", plain);
            parameters.put("frozen", frozen);
            try (AdamW adam = new AdamW(parameters, m, 0.0, Map.of("fast", 10.0, "frozen", 0.0))) {
                backward(() -> fast.add(plain).add(frozen).sum());
                adam.step(0.01, 0);
                assertArrayEquals(new float[] {0.9f}, fast.toFloatArray(), 1e-5f, "ten times the step of 0.01");
                assertArrayEquals(new float[] {0.99f}, plain.toFloatArray(), 1e-5f);
                assertArrayEquals(new float[] {1f}, frozen.toFloatArray(), 0f);
            }
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> new AdamW(parameters, m, 0.0, Map.of("gate", 2.0)));
            assertEquals("A learning-rate factor names the parameter 'gate', which the model does not have.", unknown.getMessage());
        }
    }

    @Test
    void weightDecayShrinksMatricesButNotVectors() {
        try (NDManager m = engine.newBaseManager()) {
            NDArray matrix = m.create(new float[] {1f, 1f, 1f, 1f}, new ai.djl.ndarray.types.Shape(2, 2));
            NDArray bias = m.create(new float[] {1f, 1f});
            matrix.setRequiresGradient(true);
            bias.setRequiresGradient(true);
            try (AdamW adam = new AdamW(new java.util.LinkedHashMap<>(Map.of("matrix", matrix, "bias", bias)), m, 0.5)) {
                backward(() -> matrix.sum().add(bias.sum()).mul(0f));
                adam.step(0.1, 0);
                assertEquals(0.95f, matrix.toFloatArray()[0], 1e-6f, "θ ← θ − lr·λ·θ with a zero gradient");
                assertEquals(1f, bias.toFloatArray()[0], 1e-6f);
            }
        }
    }

    @Test
    void aNonFiniteGradientIsDroppedAndChangesNothing() {
        try (NDManager m = engine.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            try (AdamW adam = new AdamW(Map.of("w", w), m, 0.0)) {
                backward(() -> w.mul(Float.NaN).sum());
                assertTrue(Double.isNaN(adam.step(0.1, 1.0)));
                assertArrayEquals(new float[] {1f, 2f}, w.toFloatArray(), 0f, "the weights are untouched");
                // the next finite step is a first step again
                backward(() -> w.sum());
                adam.step(0.1, 0);
                assertArrayEquals(new float[] {0.9f, 1.9f}, w.toFloatArray(), 1e-5f);
            }
        }
    }

    /** A resumed run continues with the moments it had: a saved and loaded state takes the next step as the original does. */
    @Test
    void aSavedStateLoadedIntoAFreshOptimizerTakesTheSameNextStep(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (NDManager m = engine.newBaseManager()) {
            NDArray a = m.create(new float[] {1f, -2f, 0.5f});
            NDArray b = m.create(new float[] {1f, -2f, 0.5f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            java.nio.file.Path file = dir.resolve("optimizer.bin");
            try (AdamW first = new AdamW(Map.of("w", a), m, 0.01)) {
                for (int i = 0; i < 3; i++) {
                    backward(() -> a.mul(a).mul(1.5f).sum());
                    first.step(0.05, 1.0);
                }
                first.save(file);
                b.set(a.toFloatArray());
                try (AdamW second = new AdamW(Map.of("w", b), m, 0.01)) {
                    second.load(file);
                    backward(() -> a.mul(a).mul(1.5f).sum());
                    backward(() -> b.mul(b).mul(1.5f).sum());
                    first.step(0.05, 1.0);
                    second.step(0.05, 1.0);
                    assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, "the same update, bit for bit");
                }
            }
            try (AdamW other = new AdamW(Map.of("w", m.create(new float[] {1f, 2f})), m, 0.01)) {
                java.io.IOException refused = assertThrows(java.io.IOException.class, () -> other.load(file));
                assertTrue(refused.getMessage().contains("has 3 values for parameter 0, which has 2"), refused.getMessage());
            }
        }
    }
}
