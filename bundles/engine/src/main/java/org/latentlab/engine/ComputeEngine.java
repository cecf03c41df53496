package org.latentlab.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.osgi.annotation.versioning.ProviderType;

/**
 * DJL's PyTorch engine as the platform uses it: loaded once per JVM, offline, with the device choice and
 * the JVM's single gradient collector behind one door.
 */
@ProviderType
public interface ComputeEngine {

    /** The DJL engine (PyTorch). */
    Engine engine();

    /**
     * The device for a spec's {@code device} field: {@code "auto"} (the first GPU this worker may use when the engine
     * sees one, else the CPU), {@code "cpu"}, {@code "gpu"} or {@code "gpu:N"}. An unavailable or unknown choice throws
     * {@link IllegalArgumentException} with one sentence saying what to use instead.
     */
    Device device(String choice);

    /** A new root manager on {@code device}; the caller closes it. */
    NDManager newManager(Device device);

    /**
     * Runs one training step with the JVM's only gradient collector. Steps from any thread are serialised
     * here; the collector is closed when the step returns.
     * <p>
     * The collector does not zero gradients; they accumulate across steps unless the caller clears them. DJL's
     * optimizers on PyTorch zero each gradient they apply; a step that applies none itself calls
     * {@code collector.zeroGradients()} before its backward pass. A step does not call {@code train} again, nor create
     * a gradient collector of its own.
     */
    <T> T train(TrainingStep<T> step) throws Exception;

    /**
     * Runs work with gradient recording off on the calling thread (evaluation, decoding, probes): no autograd
     * graph is kept, so it is faster and holds less memory. The thread's previous mode is restored after.
     */
    <T> T withoutGradients(Inference<T> work) throws Exception;

    /** Work that reads a model without training it. */
    @FunctionalInterface
    interface Inference<T> {
        T run() throws Exception;
    }

    /** One training step: forward, loss and {@code collector.backward(loss)}. */
    @FunctionalInterface
    interface TrainingStep<T> {
        T run(GradientCollector collector) throws Exception;
    }
}
