package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.latentlab.engine.ComputeEngine;
import org.osgi.test.common.annotation.InjectService;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The engine bundle's service in a running framework: PyTorch on the CPU, the device choice, training steps. */
class ComputeEngineTest {

    /** The first start on a machine extracts PyTorch's natives (about 430 MB): allow for it. */
    private static final long FIRST_START_MILLIS = 300_000;

    @InjectService(timeout = FIRST_START_MILLIS)
    ComputeEngine compute;

    @InjectService(timeout = FIRST_START_MILLIS, filter = "(engine.name=PyTorch)")
    Engine engine;

    @Test
    void theEngineIsPyTorchAndAlsoAService() {
        assertEquals("PyTorch", compute.engine().getEngineName());
        assertEquals(compute.engine(), engine);
    }

    @Test
    void autoIsTheCpuHere() {
        assertEquals(0, compute.engine().getGpuCount());
        assertEquals(Device.cpu(), compute.device("auto"));
        assertEquals(Device.cpu(), compute.device("cpu"));
    }

    @Test
    void aGpuIsRefusedWithOneClearSentence() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compute.device("gpu"));
        assertEquals("The spec asks for device 'gpu' but this host's PyTorch engine sees no GPU; use \"auto\" or \"cpu\".",
                e.getMessage());
    }

    @Test
    void workWithoutGradientsRecordsNoGraphAndTrainingLeavesRecordingOff() throws Exception {
        try (NDManager manager = compute.newManager(compute.device("auto"))) {
            NDArray w = manager.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            // in place on a leaf that needs gradients is only allowed while nothing is recorded
            compute.withoutGradients(() -> w.muli(2f));
            assertEquals(4f, w.getFloat(1), 0f);
            compute.train(collector -> {
                collector.backward(w.mul(w).sum());
                return null;
            });
            compute.withoutGradients(() -> w.addi(1f));
            w.subi(1f);
            assertEquals(4f, w.getFloat(1), 0f, "after a step this thread records nothing outside train()");
        }
    }

    @Test
    void aTrainingStepGivesTheGradientOfTheLoss() throws Exception {
        try (NDManager manager = compute.newManager(compute.device("auto"))) {
            float gradient = gradientOfSquaredError(manager, 3f, 2f, 10f);
            // L = (w x - t)^2, dL/dw = 2 (w x - t) x = 2 (3*2 - 10) 2 = -16
            assertEquals(-16f, gradient, 1e-5f);
        }
    }

    @Test
    void stepsFromManyThreadsTakeTurnsWithTheOneCollector() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (NDManager manager = compute.newManager(Device.cpu())) {
            List<Future<Float>> gradients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                float w = i;
                gradients.add(threads.submit(() -> gradientOfSquaredError(manager, w, 1f, 0f)));
            }
            for (int i = 0; i < 8; i++) {
                assertEquals(2f * i, gradients.get(i).get(60, TimeUnit.SECONDS), 1e-5f); // 2 (w - 0) 1
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aStepThatTrainsAgainIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> compute.train(outer -> compute.train(inner -> null)));
        assertEquals("A training step called train() again; do the inner work in the same step,"
                + " with the collector it was given.", e.getMessage());
    }

    /** One step of y = w x against target t, loss (y - t)^2; returns dL/dw. */
    private float gradientOfSquaredError(NDManager manager, float w, float x, float t) throws Exception {
        try (NDManager step = manager.newSubManager()) {
            NDArray weight = step.create(w);
            weight.setRequiresGradient(true);
            NDArray input = step.create(x);
            return compute.train(collector -> {
                NDArray loss = weight.mul(input).sub(t).square();
                collector.backward(loss);
                return weight.getGradient().getFloat();
            });
        }
    }
}
