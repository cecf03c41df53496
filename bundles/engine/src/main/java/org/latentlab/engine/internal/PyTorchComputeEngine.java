package org.latentlab.engine.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

import org.latentlab.engine.ComputeEngine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.GradientCollector;

/**
 * DJL's PyTorch engine, loaded once and registered as {@link ComputeEngine} and as {@link Engine}; the natives are the
 * CPU natives embedded in this bundle unless {@value EngineConfiguration#FILE} asks for others ({@link Natives}).
 * <p>
 * The configuration ({@value EngineConfiguration#PID}, optional) is read when the component activates, before DJL's
 * first use (see {@link EngineConfiguration} for why Karaf's file is read directly then). A later change never
 * deactivates the component, whose services core and the plugins hold: {@code gpus} takes effect at once, a change of
 * the natives is logged as taking effect at the next start, since they load once per JVM.
 * <p>
 * DJL caches its engine in static fields that are filled on first use, from the thread context class loader of that
 * first caller; this component makes that first call with the bundle's own loader, so consumers never trigger DJL's
 * initialisation themselves and only ever reach DJL through these services.
 * <p>
 * PyTorch allows one gradient collector per JVM; {@link #train} hands it to one step at a time. The collector does
 * not zero gradients: callers clear them (DJL's optimizers on PyTorch zero each gradient they apply, or
 * {@code collector.zeroGradients()} before the backward pass), or they accumulate across steps.
 */
@Component(service = ComputeEngine.class, immediate = true, property = PyTorchComputeEngine.ENGINE_NAME + "=PyTorch",
        configurationPid = EngineConfiguration.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
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
    /** The operator's own properties for DJL, as they were before this component set its own. */
    private final UnaryOperator<String> property;
    private final JniLibraries jni;
    /** The natives this JVM loaded. */
    private final Natives natives;
    private volatile GpuSelection gpus;
    private ServiceRegistration<Engine> engineRegistration;

    @Activate
    public PyTorchComputeEngine(BundleContext context, Map<String, Object> configuration) {
        this.property = Natives.operatorProperties(context::getProperty);
        UnaryOperator<String> settings = EngineConfiguration.atStart(context::getProperty, System::getenv,
                configuration);
        this.jni = JniLibraries.in(PyTorchComputeEngine.class.getClassLoader());
        this.natives = Natives.choose(settings, property, System::getenv, jni);
        this.gpus = GpuSelection.parse(settings.apply(GpuSelection.SETTING));
        DjlSystemProperties.apply(context::getProperty, natives);
        if (natives != Natives.BUNDLED) {
            LOG.info("PyTorch natives: {}", natives);
        }
        this.engine = loadPyTorch();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ENGINE_NAME, engine.getEngineName());
        properties.put("engine.version", engine.getVersion());
        this.engineRegistration = context.registerService(Engine.class, engine, properties);
        LOG.info("DJL {} with PyTorch {} ready; device \"auto\" is {}, {} GPU(s) seen", Engine.getDjlVersion(),
                engine.getVersion(), device(DeviceChoice.AUTO), engine.getGpuCount());
        if (natives != Natives.BUNDLED) {
            LOG.info("PyTorch natives loaded from {}", LibUtils.getLibtorchPath());
        }
        logGpus();
    }

    /**
     * A changed configuration: {@code gpus} takes effect now; the natives loaded at activation stay until the next start.
     * A bad value is logged and changes nothing.
     */
    @Modified
    void modified(Map<String, Object> configuration) {
        UnaryOperator<String> settings = EngineConfiguration.settings(configuration);
        try {
            GpuSelection chosen = GpuSelection.parse(settings.apply(GpuSelection.SETTING));
            if (!chosen.equals(gpus)) {
                gpus = chosen;
                logGpus();
            }
        } catch (IllegalArgumentException e) {
            LOG.error("{} The engine keeps {} = {}.", e.getMessage(), GpuSelection.SETTING, gpus);
        }
        try {
            Natives next = Natives.choose(settings, property, System::getenv, jni);
            if (!next.sameAs(natives)) {
                LOG.warn("PyTorch natives changed in {} to {}; this takes effect at the next start of the platform,"
                        + " since natives load once per JVM: until then the engine keeps {}", EngineConfiguration.FILE,
                        next, natives);
            }
        } catch (IllegalArgumentException e) {
            LOG.error("{} The engine keeps {} until the next start, which will refuse this.", e.getMessage(), natives);
        }
    }

    private void logGpus() {
        GpuSelection selection = gpus;
        if (selection.all()) {
            return;
        }
        int gpuCount = engine.getGpuCount();
        List<Integer> usable = selection.usable(gpuCount);
        List<Integer> unseen = selection.unseen(gpuCount);
        LOG.info("{} = {} in {}: this worker uses {} of the {} GPU(s) the engine sees{}", GpuSelection.SETTING,
                selection, EngineConfiguration.FILE, usable.isEmpty() ? "none" : GpuSelection.names(usable), gpuCount,
                unseen.isEmpty() ? "" : "; it does not see " + GpuSelection.names(unseen));
    }

    private Engine loadPyTorch() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader bundle = PyTorchComputeEngine.class.getClassLoader();
        thread.setContextClassLoader(natives.hidesBundledNatives() ? new WithoutBundledNatives(bundle) : bundle);
        try {
            Engine loaded;
            try {
                loaded = Engine.getInstance();
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException(notLoaded(e), e);
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

    private String notLoaded(Throwable e) {
        String cache = System.getProperty(DjlSystemProperties.ENGINE_CACHE_DIR);
        switch (natives.source()) {
        case DOWNLOAD:
            return "PyTorch could not be downloaded into " + cache + " or loaded from there (" + e + "); let this host"
                    + " reach publish.djl.ai and write to that directory, or write " + Natives.SETTING + " = bundled in "
                    + EngineConfiguration.FILE + ".";
        case LOCAL:
            return "PyTorch could not be loaded as " + natives + " (" + e + "); install libtorch "
                    + jni.pytorchVersion() + " built for that flavour there, or write " + Natives.SETTING
                    + " = bundled in " + EngineConfiguration.FILE + ".";
        default:
            if (natives != Natives.BUNDLED) {
                return "PyTorch could not be loaded from " + natives + " (" + e + "); point " + Natives.LIBRARY_PATH
                        + " at a libtorch " + jni.pytorchVersion() + " folder, or unset it.";
            }
            return "PyTorch could not be loaded from the natives in this bundle into " + cache + " (" + e
                    + "); make that directory writable with about 500 MB free, or point ENGINE_CACHE_DIR elsewhere.";
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
        return DeviceChoice.of(choice, engine.getGpuCount(), gpus);
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
