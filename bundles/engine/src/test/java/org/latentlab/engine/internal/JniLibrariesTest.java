package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Against the pytorch-jni jar the bundle embeds, which is on the test class path. */
class JniLibrariesTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theJarIsBuiltForPyTorch271AndDjl0351() {
        JniLibraries jni = JniLibraries.in(loader, "linux-x86_64");
        assertEquals("2.7.1", jni.pytorchVersion());
        assertEquals("0.35.1", jni.djlVersion());
        assertEquals("linux-x86_64", jni.platform());
    }

    @Test
    void linuxX8664HasTheCpuAndCuda128Builds() {
        JniLibraries jni = JniLibraries.in(loader, "linux-x86_64");
        assertEquals(List.of("cpu", "cu128"), jni.flavors());
        assertTrue(jni.has("cu128"));
        assertFalse(jni.has("cu126"));
        assertFalse(jni.has("cu128-precxx11"));
        assertFalse(jni.has(""));
        assertFalse(jni.has(null));
    }

    @Test
    void otherPlatformsHaveWhatTheJarHolds() {
        assertEquals(List.of("cpu"), JniLibraries.in(loader, "linux-aarch64").flavors());
        assertEquals(List.of("cpu", "cu128"), JniLibraries.in(loader, "win-x86_64").flavors());
        assertEquals(List.of("cpu"), JniLibraries.in(loader, "osx-aarch64").flavors());
    }

    @Test
    void platformsAndLibrariesAreNamedAsDjlNamesThem() {
        assertEquals("libdjl_torch.so", JniLibraries.libraryName("linux-x86_64", "djl_torch"));
        assertEquals("libdjl_torch.dylib", JniLibraries.libraryName("osx-aarch64", "djl_torch"));
        assertEquals("djl_torch.dll", JniLibraries.libraryName("win-x86_64", "djl_torch"));
        String host = JniLibraries.hostPlatform();
        assertTrue(host.matches("(linux|osx|win)-[a-z0-9_]+"), host);
        assertFalse(host.contains("amd64"), host);
    }
}
