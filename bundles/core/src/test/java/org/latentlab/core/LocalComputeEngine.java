package org.latentlab.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import org.latentlab.engine.ComputeEngine;

/** The compute engine outside OSGi, for tests: the CPU only, one training step at a time. */
final class LocalComputeEngine implements ComputeEngine {
    private final Engine engine = Engine.getEngine("PyTorch");

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public Device device(String choice) {
        if ("auto".equals(choice) || "cpu".equals(choice)) {
            return Device.cpu();
        }
        throw new IllegalArgumentException("The spec asks for device '" + choice + "', which this test host does not have; use \"auto\" or \"cpu\".");
    }

    @Override
    public NDManager newManager(Device device) {
        return engine.newBaseManager(device);
    }

    @Override
    public synchronized <T> T train(TrainingStep<T> step) throws Exception {
        JniUtils.setGradMode(false);
        try (GradientCollector collector = engine.newGradientCollector()) {
            return step.run(collector);
        }
    }

    @Override
    public <T> T withoutGradients(Inference<T> work) throws Exception {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.run();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }
}
