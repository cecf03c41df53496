package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

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
}
