package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.latentlab.engine.ComputeEngine;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A second revision of the engine bundle, as after {@code bundle:update} or {@code bundle:refresh}, loads PyTorch
 * again in its own class loader while the first still holds the natives, and trains.
 * <p>
 * The second revision is installed beside the first (the run allows a bundle twice) so that this test bundle, wired
 * to the first, keeps running; it reaches the second revision's classes by reflection.
 */
class EngineRevisionTest {

    private static final long START_MILLIS = 120_000;

    @Test
    void aSecondRevisionLoadsPyTorchInItsOwnClassLoaderAndTrains(@InjectBundleContext BundleContext context)
            throws Exception {
        Bundle first = FrameworkUtil.getBundle(ComputeEngine.class);
        Bundle second;
        try (InputStream jar = open(first.getLocation())) {
            second = context.installBundle(first.getLocation() + "#second-revision", jar);
        }
        ServiceTracker<Object, Object> tracker = null;
        try {
            second.start();
            tracker = new ServiceTracker<>(context, context.createFilter("(&(objectClass=" + ComputeEngine.class.getName()
                    + ")(service.bundleid=" + second.getBundleId() + "))"), null);
            tracker.open(true); // its ComputeEngine is not this bundle's ComputeEngine class
            Object compute = tracker.waitForService(START_MILLIS);
            assertNotNull(compute, "the second revision registers no ComputeEngine");
            ClassLoader loader = second.adapt(BundleWiring.class).getClassLoader();
            assertNotSame(ComputeEngine.class.getClassLoader(), compute.getClass().getClassLoader());

            Class<?> computeEngine = loader.loadClass(ComputeEngine.class.getName());
            Class<?> ndManager = loader.loadClass("ai.djl.ndarray.NDManager");
            Class<?> ndArray = loader.loadClass("ai.djl.ndarray.NDArray");
            Class<?> collector = loader.loadClass("ai.djl.training.GradientCollector");
            Class<?> step = loader.loadClass(ComputeEngine.TrainingStep.class.getName());

            Object cpu = call(computeEngine, compute, "device", "auto");
            assertEquals("cpu()", cpu.toString());
            Object manager = call(computeEngine, compute, "newManager", cpu);
            try {
                Object w = call(ndManager, manager, "create", 3f);
                call(ndArray, w, "setRequiresGradient", true);
                Object x = call(ndManager, manager, "create", 2f);
                Object trainingStep = Proxy.newProxyInstance(loader, new Class<?>[] {step}, (proxy, method, args) -> {
                    if (!method.getName().equals("run")) {
                        return method.invoke(this, args);
                    }
                    Object loss = call(ndArray, call(ndArray, call(ndArray, w, "mul", x), "sub", 10f), "square");
                    call(collector, args[0], "backward", loss);
                    return call(ndArray, call(ndArray, w, "getGradient"), "getFloat", new long[0]);
                });
                // L = (w x - 10)^2, dL/dw = 2 (w x - 10) x = -16
                assertEquals(-16f, (Float) call(computeEngine, compute, "train", trainingStep), 1e-5f);
            } finally {
                call(ndManager, manager, "close");
            }
        } finally {
            if (tracker != null) {
                tracker.close();
            }
            second.uninstall();
        }
    }

    private static InputStream open(String location) throws Exception {
        String path = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        return path.contains(":") && !Files.exists(Path.of(path)) ? new URL(path).openStream()
                : Files.newInputStream(Path.of(path));
    }

    private static Object call(Class<?> type, Object target, String name, Object... args) throws Exception {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && method.getParameterCount() == args.length
                    && accepts(method.getParameterTypes(), args)) {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }

    private static boolean accepts(Class<?>[] parameters, Object[] args) {
        for (int i = 0; i < parameters.length; i++) {
            Class<?> parameter = parameters[i];
            Class<?> argument = args[i].getClass();
            boolean ok = parameter.isPrimitive()
                    ? (parameter == float.class && argument == Float.class)
                            || (parameter == boolean.class && argument == Boolean.class)
                    : parameter.isAssignableFrom(argument);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
