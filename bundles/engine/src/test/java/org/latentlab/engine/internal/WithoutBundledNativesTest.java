package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import ai.djl.engine.EngineProvider;
import ai.djl.util.Platform;

/**
 * DJL's own platform detection, which decides between the natives on the class path and a download, run against the
 * test class path: it holds the CPU natives the bundle embeds, as the bundle's class loader does.
 */
class WithoutBundledNativesTest {

    private final ClassLoader loader = getClass().getClassLoader();

    private static <T> T withContextClassLoader(ClassLoader context, Callable<T> work) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(context);
        try {
            return work.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void withTheBundledNativesInSightDjlTakesThem() throws Exception {
        Platform platform = withContextClassLoader(loader, () -> Platform.detectPlatform("pytorch"));
        assertFalse(platform.isPlaceholder(), "DJL's LibUtils extracts these and never downloads");
        assertEquals("cpu", platform.getFlavor());
        assertEquals("2.7.1-20250812", platform.getVersion());
        assertTrue(platform.getVersion().startsWith("2.7.1"),
                "so PYTORCH_VERSION=2.7.1 cannot make DJL download: it compares with startsWith");
    }

    @Test
    void hiddenDjlHasOnlyItsPlaceholderAndDownloads() throws Exception {
        Platform platform = withContextClassLoader(new WithoutBundledNatives(loader),
                () -> Platform.detectPlatform("pytorch"));
        assertTrue(platform.isPlaceholder(), "DJL's LibUtils downloads for a placeholder platform");
        assertEquals("2.7.1", platform.getVersion());
        assertEquals("0.35.1", platform.getApiVersion());
    }

    @Test
    void onlyTheNativesPropertiesAreHidden() throws Exception {
        ClassLoader hidden = new WithoutBundledNatives(loader);
        assertNotNull(loader.getResource(WithoutBundledNatives.PLATFORM));
        assertNull(hidden.getResource(WithoutBundledNatives.PLATFORM));
        assertFalse(hidden.getResources(WithoutBundledNatives.PLATFORM).hasMoreElements());
        assertNull(hidden.getResourceAsStream(WithoutBundledNatives.PLATFORM));
        assertNotNull(hidden.getResource(JniLibraries.PROPERTIES), "the JNI libraries stay in sight");
        assertNotNull(hidden.getResource("jnilib/linux-x86_64/cu128/libdjl_torch.so"));
        assertNotNull(hidden.getResource("pytorch-engine.properties"));
        assertTrue(hidden.getResources("META-INF/services/" + EngineProvider.class.getName()).hasMoreElements());
        assertSame(NativeLibraries.class, hidden.loadClass(NativeLibraries.class.getName()),
                "the native helper DJL loads through the context class loader is the bundle's own");
    }
}
