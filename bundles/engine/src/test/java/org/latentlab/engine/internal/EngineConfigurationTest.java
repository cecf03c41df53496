package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineConfigurationTest {

    private static final UnaryOperator<String> NONE = name -> null;

    @TempDir
    Path etc;

    @Test
    void outsideKarafTheSettingsAreConfigurationAdmins() {
        UnaryOperator<String> settings = EngineConfiguration.atStart(NONE, NONE,
                Map.of("natives", "download", "gpus", new String[] {"0", "1"}, "flavor", List.of("cu128")));
        assertEquals("download", settings.apply("natives"));
        assertEquals("0,1", settings.apply("gpus"));
        assertEquals("cu128", settings.apply("flavor"));
        assertNull(settings.apply("libtorch"));
        assertNull(EngineConfiguration.atStart(NONE, NONE, Map.of()).apply("natives"));
        assertNull(EngineConfiguration.settings(null).apply("natives"));
        assertEquals("1", EngineConfiguration.settings(Map.of("gpus", 1)).apply("gpus"));
    }

    @Test
    void inKarafTheFileIsReadAtStartOverWhatConfigurationAdminStillHolds() throws IOException {
        Files.writeString(etc.resolve("org.latentlab.engine.cfg"), String.join("\n",
                "# a comment",
                "natives = local",
                "libtorch = ${karaf.home}/libtorch/lib",
                "flavor = ${env:TORCH_FLAVOR}",
                "version = ${unknown}2.7.1",
                "#gpus = 0"));
        UnaryOperator<String> property = name -> switch (name) {
            case "karaf.etc" -> etc.toString();
            case "karaf.home" -> "/srv/latentlab";
            default -> null;
        };
        UnaryOperator<String> settings = EngineConfiguration.atStart(property,
                name -> name.equals("TORCH_FLAVOR") ? "cpu" : null, Map.of("natives", "download", "gpus", "1"));
        assertEquals("local", settings.apply("natives"));
        assertEquals("/srv/latentlab/libtorch/lib", settings.apply("libtorch"));
        assertEquals("cpu", settings.apply("flavor"));
        assertEquals("2.7.1", settings.apply("version"));
        assertNull(settings.apply("gpus"), "commented out, whatever Configuration Admin held from an earlier run");
    }

    @Test
    void inKarafWithoutTheFileThereAreNoSettings() {
        UnaryOperator<String> settings = EngineConfiguration.atStart(
                name -> name.equals("karaf.etc") ? etc.toString() : null, NONE, Map.of("natives", "download"));
        assertNull(settings.apply("natives"));
    }

    @Test
    void theShippedFileSetsNothing() throws IOException {
        Path shipped = Path.of("../../platform/src/main/resources/assembly/etc/org.latentlab.engine.cfg");
        Files.copy(shipped, etc.resolve("org.latentlab.engine.cfg"));
        UnaryOperator<String> settings = EngineConfiguration.atStart(
                name -> name.equals("karaf.etc") ? etc.toString() : null, NONE, Map.of());
        for (String name : new String[] {"natives", "flavor", "libtorch", "version", "gpus"}) {
            assertNull(settings.apply(name), name);
        }
        String text = Files.readString(shipped);
        for (String name : new String[] {"natives", "flavor", "libtorch", "version", "gpus"}) {
            assertEquals(true, text.contains("#" + name + " = "), name + " is shown, commented out");
        }
    }
}
