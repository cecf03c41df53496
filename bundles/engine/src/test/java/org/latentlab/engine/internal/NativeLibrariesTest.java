package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeLibrariesTest {

    @Test
    void onlyTheJniLibraryIsCopiedForANewRevision() {
        String jni = System.mapLibraryName("djl_torch");
        assertTrue(NativeLibraries.isJniLibrary("/cache/pytorch/2.7.1-cpu-linux-x86_64/0.35.1-" + jni));
        assertTrue(NativeLibraries.isJniLibrary("/cache/" + jni));
        assertFalse(NativeLibraries.isJniLibrary("/cache/" + System.mapLibraryName("torch_cpu")));
        assertFalse(NativeLibraries.isJniLibrary("/cache/" + System.mapLibraryName("c10")));
    }

    @Test
    void aLibraryHeldByAnEarlierRevisionIsRecognised() {
        assertTrue(NativeLibraries.loadedByAnotherClassLoader(new UnsatisfiedLinkError(
                "Native Library /cache/libc10.so already loaded in another classloader")));
        assertFalse(NativeLibraries.loadedByAnotherClassLoader(new UnsatisfiedLinkError(
                "/cache/libc10.so: cannot open shared object file")));
        assertFalse(NativeLibraries.loadedByAnotherClassLoader(new UnsatisfiedLinkError()));
    }
}
