package org.latentlab.engine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * DJL's native helper (system property {@code ai.djl.pytorch.native_helper}): DJL calls {@link #load(String)} instead
 * of {@code System.load} for every PyTorch library, with the thread context class loader set to this bundle's.
 * <p>
 * {@code System.load} binds a library to the class loader of its caller, this class, so the libraries serve the
 * bundle revision that loads them. A JVM maps a library file into one class loader only; after a refresh or update
 * of the engine bundle the new revision therefore
 * <ul>
 * <li>skips libtorch's own libraries (c10, torch, torch_cpu, gomp): they are already mapped into the process, and
 * the JNI library links against them by name;</li>
 * <li>loads a fresh copy of the JNI library {@code libdjl_torch}, whose native methods bind to the new revision's
 * classes. The previous revision's copy stays mapped in the process.</li>
 * </ul>
 */
public final class NativeLibraries {

    private static final String JNI_LIBRARY = System.mapLibraryName("djl_torch");

    private NativeLibraries() {}

    /**
     * Loads the library at {@code path} for this bundle revision.
     *
     * @param path absolute path of the library in DJL's engine cache directory
     */
    public static void load(String path) {
        try {
            System.load(path);
        } catch (UnsatisfiedLinkError e) {
            if (!loadedByAnotherClassLoader(e)) {
                throw e;
            }
            if (isJniLibrary(path)) {
                loadFreshCopy(Path.of(path));
            }
            // else: one of libtorch's own libraries, loaded by an earlier revision and still mapped in the process
        }
    }

    static boolean isJniLibrary(String path) {
        return Path.of(path).getFileName().toString().endsWith(JNI_LIBRARY);
    }

    static boolean loadedByAnotherClassLoader(UnsatisfiedLinkError e) {
        String message = e.getMessage();
        return message != null && message.contains("already loaded in another classloader");
    }

    private static void loadFreshCopy(Path original) {
        Path copy = null;
        try {
            // next to the original, so that whatever it finds through $ORIGIN it still finds
            copy = Files.createTempFile(original.getParent(), "revision-", "-" + JNI_LIBRARY);
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            System.load(copy.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + original + " for a new revision of the engine bundle", e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy); // the mapping outlives the file
                } catch (IOException e) {
                    copy.toFile().deleteOnExit();
                }
            }
        }
    }
}
