package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlSystemPropertiesTest {

    private static final UnaryOperator<String> NONE = name -> null;

    @Test
    void offlineWithoutTrackingAndWithTheRefreshHelper() {
        Map<String, String> chosen = DjlSystemProperties.choose(NONE, NONE);
        assertEquals("true", chosen.get("ai.djl.offline"));
        assertEquals("true", chosen.get("OPT_OUT_TRACKING"));
        assertEquals("PyTorch", chosen.get("ai.djl.default_engine"));
        assertEquals(NativeLibraries.class.getName(), chosen.get("ai.djl.pytorch.native_helper"));
        assertFalse(chosen.containsKey("ai.djl.pytorch.num_threads"));
    }

    @Test
    void cachesLiveInKarafDataWhenThereIsOne() {
        Path data = Path.of("karaf", "data");
        Map<String, String> chosen = DjlSystemProperties.choose(
                name -> name.equals("karaf.data") ? data.toString() : null, NONE);
        assertEquals(data.resolve("djl-engines").toString(), chosen.get("ENGINE_CACHE_DIR"));
        assertEquals(data.resolve("djl-cache").toString(), chosen.get("DJL_CACHE_DIR"));
    }

    @Test
    void cachesLiveInTheTemporaryDirectoryOutsideKaraf() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Map<String, String> chosen = DjlSystemProperties.choose(NONE, NONE);
        assertEquals(tmp.resolve("latentlab-djl-engines").toString(), chosen.get("ENGINE_CACHE_DIR"));
        assertEquals(tmp.resolve("latentlab-djl-cache").toString(), chosen.get("DJL_CACHE_DIR"));
    }

    @Test
    void cachesTheOperatorChoseAreKept() {
        Map<String, String> chosen = DjlSystemProperties.choose(
                name -> switch (name) {
                    case "karaf.data" -> "data";
                    case "ENGINE_CACHE_DIR" -> "engines-by-property";
                    default -> null;
                },
                name -> name.equals("DJL_CACHE_DIR") ? "cache-by-environment" : null);
        assertEquals("engines-by-property", chosen.get("ENGINE_CACHE_DIR"));
        assertEquals("cache-by-environment", chosen.get("DJL_CACHE_DIR"));
    }

    @Test
    void threadsComeFromLatentlabThreads() {
        Map<String, String> chosen = DjlSystemProperties.choose(name -> name.equals("latentlab.threads") ? " 3 " : null,
                NONE);
        assertEquals("3", chosen.get("ai.djl.pytorch.num_threads"));
    }

    @Test
    void djlsOwnThreadSettingWins() {
        Map<String, String> chosen = DjlSystemProperties.choose(name -> switch (name) {
            case "latentlab.threads" -> "3";
            case "ai.djl.pytorch.num_threads" -> "5";
            default -> null;
        }, NONE);
        assertEquals("5", chosen.get("ai.djl.pytorch.num_threads"));
    }

    @Test
    void aThreadCountThatIsNotOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DjlSystemProperties.choose(name -> name.equals("latentlab.threads") ? "many" : null, NONE));
        assertEquals("The property latentlab.threads is 'many', not a thread count;"
                + " set it to a whole number like 4, or remove it.", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DjlSystemProperties.choose(name -> name.equals("latentlab.threads") ? "0" : null, NONE));
    }

    @Test
    void withoutConfigurationThePropertiesAreThoseTheEngineAlwaysSet() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Map<String, String> always = Map.of(
                "ai.djl.offline", "true",
                "OPT_OUT_TRACKING", "true",
                "ai.djl.default_engine", "PyTorch",
                "ai.djl.pytorch.native_helper", NativeLibraries.class.getName(),
                "ENGINE_CACHE_DIR", tmp.resolve("latentlab-djl-engines").toString(),
                "DJL_CACHE_DIR", tmp.resolve("latentlab-djl-cache").toString());
        assertEquals(always, DjlSystemProperties.choose(NONE, NONE));
        assertEquals(always, DjlSystemProperties.choose(NONE, NONE, Natives.BUNDLED));
        UnaryOperator<String> operatorsPath = name -> name.equals("PYTORCH_LIBRARY_PATH") ? "/opt/libtorch/lib" : null;
        JniLibraries jni = JniLibraries.in(getClass().getClassLoader(), "linux-x86_64");
        assertEquals(always, DjlSystemProperties.choose(NONE, operatorsPath,
                Natives.choose(NONE, NONE, operatorsPath, jni)), "DJL finds the operator's own variable itself");
    }

    @Test
    void downloadTurnsOfflineOffAndKeepsTheRest() {
        JniLibraries jni = JniLibraries.in(getClass().getClassLoader(), "linux-x86_64");
        Natives download = Natives.choose(name -> name.equals("natives") ? "download" : null, NONE, NONE, jni);
        Map<String, String> chosen = DjlSystemProperties.choose(name -> name.equals("karaf.data") ? "data" : null,
                NONE, download);
        assertEquals("false", chosen.get("ai.djl.offline"));
        assertEquals("cu128", chosen.get("PYTORCH_FLAVOR"));
        assertEquals(Path.of("data", "djl-engines").toString(), chosen.get("ENGINE_CACHE_DIR"));
        assertEquals(NativeLibraries.class.getName(), chosen.get("ai.djl.pytorch.native_helper"));
    }

    @Test
    void localStaysOffline(@TempDir Path libtorch) throws IOException {
        Files.createFile(libtorch.resolve(System.mapLibraryName("torch")));
        JniLibraries jni = JniLibraries.in(getClass().getClassLoader(), "linux-x86_64");
        Natives local = Natives.choose(name -> switch (name) {
            case "natives" -> "local";
            case "libtorch" -> libtorch.toString();
            default -> null;
        }, NONE, NONE, jni);
        Map<String, String> chosen = DjlSystemProperties.choose(NONE, NONE, local);
        assertEquals("true", chosen.get("ai.djl.offline"));
        assertEquals(libtorch.toString(), chosen.get("PYTORCH_LIBRARY_PATH"));
        assertEquals("cu128", chosen.get("PYTORCH_FLAVOR"));
        assertEquals("2.7.1", chosen.get("PYTORCH_VERSION"));
    }
}
