package org.latentlab.engine.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.latentlab.engine.ComputeEngine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * DJL's PyTorch engine, loaded once from the natives embedded in this bundle and registered as {@link ComputeEngine}
 * and as {@link Engine}.
 * <p>
 * DJL caches its engine in static fields that are filled on first use, from the thread context class loader of that
 * first caller; this component makes that first call with the bundle's own loader, so consumers never trigger DJL's
 * initialisation themselves and only ever reach DJL through these services.
 * <p>
 * PyTorch allows one gradient collector per JVM; {@link #train} hands it to one step at a time. The collector does
 * not zero gradients: callers clear them (DJL's optimizers on PyTorch zero each gradient they apply, or
 * {@code collector.zeroGradients()} before the backward pass), or they accumulate across steps.
 */
@Component(service = ComputeEngine.class, immediate = true, property = PyTorchComputeEngine.ENGINE_NAME + "=PyTorch")
public final class PyTorchComputeEngine implements ComputeEngine {

    /** The service property that names the DJL engine behind a service. */
    public static final String ENGINE_NAME = "engine.name";

    private static final Logger LOG = LoggerFactory.getLogger(PyTorchComputeEngine.class);

    /**
     * One training step at a time in this JVM: PyTorch has a single gradient collector. Static, in the engine bundle
     * that is never refreshed, so every consumer shares it.
     */
    private static final ReentrantLock TRAINING_STEP = new ReentrantLock(true);

    private final Engine engine;
    private ServiceRegistration<Engine> engineRegistration;

    @Activate
    public PyTorchComputeEngine(BundleContext context) {
        DjlSystemProperties.apply(context::getProperty);
        this.engine = loadPyTorch();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ENGINE_NAME, engine.getEngineName());
        properties.put("engine.version", engine.getVersion());
        this.engineRegistration = context.registerService(Engine.class, engine, properties);
        LOG.info("DJL {} with PyTorch {} ready; device \"auto\" is {}, {} GPU(s) seen", Engine.getDjlVersion(),
                engine.getVersion(), device(DeviceChoice.AUTO), engine.getGpuCount());
    }

    private Engine loadPyTorch() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PyTorchComputeEngine.class.getClassLoader());
        try {
            Engine loaded;
            try {
                loaded = Engine.getInstance();
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("PyTorch could not be loaded from the natives in this bundle into "
                        + System.getProperty(DjlSystemProperties.ENGINE_CACHE_DIR) + " (" + e
                        + "); make that directory writable with about 500 MB free, or point ENGINE_CACHE_DIR elsewhere.",
                        e);
            }
            if (!"PyTorch".equals(loaded.getEngineName())) {
                throw new IllegalStateException("DJL's default engine is " + loaded.getEngineName()
                        + ", not PyTorch; remove the ai.djl.default_engine setting that asks for it.");
            }
            return loaded;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Deactivate
    void deactivate() {
        if (engineRegistration != null) {
            engineRegistration.unregister();
            engineRegistration = null;
        }
    }

    @Override
    public Engine engine() {
        return engine;
    }

    @Override
    public Device device(String choice) {
        return DeviceChoice.of(choice, engine.getGpuCount());
    }

    @Override
    public NDManager newManager(Device device) {
        return engine.newBaseManager(Objects.requireNonNull(device, "device"));
    }

    /**
     * {@inheritDoc}
     * <p>
     * Waits (interruptibly) while another thread runs a step. Gradients are not zeroed here: callers clear them.
     * A step must not call {@code train} again, nor create a collector of its own.
     */
    @Override
    public <T> T train(TrainingStep<T> step) throws Exception {
        Objects.requireNonNull(step, "step");
        if (TRAINING_STEP.isHeldByCurrentThread()) {
            throw new IllegalStateException("A training step called train() again; "
                    + "do the inner work in the same step, with the collector it was given.");
        }
        TRAINING_STEP.lockInterruptibly();
        // recording is off outside a step: the collector turns it on and, closing, restores this
        JniUtils.setGradMode(false);
        try (GradientCollector collector = engine.newGradientCollector()) {
            return step.run(collector);
        } finally {
            TRAINING_STEP.unlock();
        }
    }

    @Override
    public <T> T withoutGradients(Inference<T> work) throws Exception {
        Objects.requireNonNull(work, "work");
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return work.run();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }
}
