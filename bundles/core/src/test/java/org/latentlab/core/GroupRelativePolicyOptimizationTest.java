package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.data.Example;
import org.latentlab.api.experiment.GrpoSpec;
import org.junit.jupiter.api.Test;

/** The GRPO objective as the DeepSeekMath paper writes it, checked against hand computation. */
class GroupRelativePolicyOptimizationTest {

    @Test
    void aGroupWhoseRewardsAreAllEqualHasZeroAdvantages() {
        assertArrayEquals(new double[] {0, 0, 0}, GroupRelativePolicyOptimization.advantages(new double[] {1, 1, 1}, 3), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, GroupRelativePolicyOptimization.advantages(new double[] {0, 0, 0}, 3), 0.0);
    }

    @Test
    void advantagesAreRewardsNormalisedWithinEachGroup() {
        // group 1: mean 0.5, population std 0.5; group 2: all equal
        double[] a = GroupRelativePolicyOptimization.advantages(new double[] {1, 0, 0, 1, 1, 1, 1, 1}, 4);
        assertArrayEquals(new double[] {1, -1, -1, 1, 0, 0, 0, 0}, a, 1e-12);
        // 3, 1, 2: mean 2, std sqrt(2/3)
        double s = Math.sqrt(2.0 / 3.0);
        assertArrayEquals(new double[] {1 / s, -1 / s, 0}, GroupRelativePolicyOptimization.advantages(new double[] {3, 1, 2}, 3), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> GroupRelativePolicyOptimization.advantages(new double[] {1, 0, 1}, 2));
    }

    @Test
    void theClippedObjectiveMatchesAHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            // rollout 0 (A = +1): ratios 1.5 (clipped to 1.2) and 0.5 (kept); rollout 1 (A = -1): ratio 0.7, whose clip to 0.8
            // is the pessimistic choice, and a masked step
            NDArray old = m.create(new float[] {-1, -1, -2, -2}, new Shape(2, 2));
            NDArray current = m.create(new float[] {(float) (-1 + Math.log(1.5)), (float) (-1 + Math.log(0.5)),
                    (float) (-2 + Math.log(0.7)), 5f}, new Shape(2, 2));
            NDArray mask = m.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
            NDArray advantages = m.create(new float[] {1, -1});
            double loss = GroupRelativePolicyOptimization.loss(current, old, advantages, mask, 0.2, null, 0).getFloat();
            // J = ((1.2 + 0.5) / 2 + (-0.8) / 1) / 2 = 0.025
            assertEquals(-0.025, loss, 1e-6);
        }
    }

    @Test
    void onlyUnclippedStepsPassAGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray old = m.create(new float[] {-1, -1}, new Shape(1, 2));
            NDArray current = m.create(new float[] {(float) (-1 + Math.log(1.5)), (float) (-1 + Math.log(0.5))}, new Shape(1, 2));
            current.setRequiresGradient(true);
            NDArray mask = m.ones(new Shape(1, 2));
            NDArray advantages = m.create(new float[] {1});
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(GroupRelativePolicyOptimization.loss(current, old, advantages, mask, 0.2, null, 0));
            }
            float[] gradient = current.getGradient().toFloatArray();
            assertEquals(0f, gradient[0], 1e-7, "ratio 1.5 with a positive advantage is clipped: no gradient");
            // d(-J)/d log π = -(1/|o|) · ρ · A = -(1/2) · 0.5 · 1
            assertEquals(-0.25, gradient[1], 1e-6);
        }
    }

    @Test
    void theKlPenaltyIsTheK3EstimateToTheReferenceWeighted() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray current = m.create(new float[] {-1f, -2f}, new Shape(1, 2));
            NDArray reference = m.create(new float[] {-1.5f, -1f}, new Shape(1, 2));
            NDArray mask = m.ones(new Shape(1, 2));
            NDArray zero = m.create(new float[] {0});
            double r0 = -0.5;
            double r1 = 1.0;
            double k3 = ((Math.exp(r0) - r0 - 1) + (Math.exp(r1) - r1 - 1)) / 2;
            // zero advantage: only the penalty is left, and ratio 1 keeps the surrogate at 0
            double loss = GroupRelativePolicyOptimization.loss(current, current, zero, mask, 0.2, reference, 0.1).getFloat();
            assertEquals(0.1 * k3, loss, 1e-6);
            assertEquals(0f, GroupRelativePolicyOptimization.klEstimate(current, current).sum().getFloat(), 0f, "no distance to itself");
        }
    }

    @Test
    void promptsAreRepeatedInGroupsAndStepsCounted() {
        List<Example> train = List.of(example("a"), example("b"), example("c"));
        GrpoSpec spec = new GrpoSpec(null, 2, null, 2, 3, null, null, null, null, 2);
        List<List<Example>> batches = GroupRelativePolicyOptimization.groups(train, spec, new Random(1));
        assertEquals(2, batches.size());
        assertEquals(6, batches.get(0).size());
        assertEquals(3, batches.get(1).size(), "the last batch has the one prompt left, three times");
        for (int g = 0; g < 3; g++) {
            assertEquals(batches.get(0).get(0), batches.get(0).get(g), "a group's rollouts are of one prompt");
        }
        // 2 epochs × 2 batches × 2 updates
        assertEquals(8, GroupRelativePolicyOptimization.plannedSteps(spec, 3));
        assertEquals(5, GroupRelativePolicyOptimization.plannedSteps(new GrpoSpec(null, 2, 5, 2, 3, null, null, null, null, 2), 3));
    }

    private static Example example(String id) {
        return new Example(id, "1 2", List.of("1", "-1"), "1", Map.of());
    }
}
