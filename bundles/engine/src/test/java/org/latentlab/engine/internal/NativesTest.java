package org.latentlab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.latentlab.engine.internal.Natives.Source;

class NativesTest {

    private static final UnaryOperator<String> NONE = name -> null;
    private static final String LIBTORCH = System.mapLibraryName("torch");
    private static final String FILE = "etc/org.latentlab.engine.cfg";

    /** The JNI libraries of the pytorch-jni jar the bundle embeds, as they are on the test class path. */
    private static final JniLibraries JNI = JniLibraries.in(NativesTest.class.getClassLoader(), "linux-x86_64");

    @TempDir
    Path temp;
    private Path libtorch;

    @BeforeEach
    void aLibtorchFolder() throws IOException {
        libtorch = Files.createDirectories(temp.resolve("libtorch").resolve("lib"));
        Files.createFile(libtorch.resolve(LIBTORCH));
    }

    private static UnaryOperator<String> map(String... namesAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map::get;
    }

    private static Natives choose(UnaryOperator<String> settings) {
        return Natives.choose(settings, NONE, NONE, JNI);
    }

    private static String refusal(UnaryOperator<String> settings, UnaryOperator<String> property,
            UnaryOperator<String> environment) {
        return assertThrows(IllegalArgumentException.class,
                () -> Natives.choose(settings, property, environment, JNI)).getMessage();
    }

    // bundled

    @Test
    void withoutSettingsTheBundledNativesChangeNothing() {
        Natives natives = choose(NONE);
        assertSame(Natives.BUNDLED, natives);
        assertEquals(Source.BUNDLED, natives.source());
        assertEquals(Map.of(), natives.properties());
        assertFalse(natives.hidesBundledNatives());
        assertSame(Natives.BUNDLED, choose(map("natives", " Bundled ")));
        assertSame(Natives.BUNDLED, choose(map("natives", "  ", "flavor", "cu128", "libtorch", libtorch.toString())));
    }

    @Test
    void bundledKeepsTheOperatorsLibraryPathAsDjlDoesAndSaysSo() {
        Natives natives = Natives.choose(NONE, NONE, map("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), JNI);
        assertEquals(Source.BUNDLED, natives.source());
        assertEquals(Map.of(), natives.properties());
        assertFalse(natives.hidesBundledNatives());
        assertEquals("the libtorch in the environment variable PYTORCH_LIBRARY_PATH = '/opt/libtorch/lib' if it holds"
                + " one, since DJL reads it before the CPU natives embedded in the engine bundle (natives = bundled)",
                natives.description());
    }

    // download

    @Test
    void downloadGoesOnlineForTheCuda128BuildAndHidesTheBundledNatives() {
        Natives natives = choose(map("natives", "download"));
        assertEquals(Source.DOWNLOAD, natives.source());
        assertEquals(Map.of("ai.djl.offline", "false", "PYTORCH_FLAVOR", "cu128"), natives.properties());
        assertTrue(natives.hidesBundledNatives());
        assertEquals("PyTorch 2.7.1 for cu128 downloaded by DJL from publish.djl.ai into its engine cache on the first"
                + " start (natives = download)", natives.description());
    }

    @Test
    void downloadTakesTheFlavourWritten() {
        assertEquals(Map.of("ai.djl.offline", "false", "PYTORCH_FLAVOR", "cpu"),
                choose(map("natives", "DOWNLOAD", "flavor", " cpu ")).properties());
    }

    @Test
    void downloadKeepsTheOperatorsFlavourAndVersion() {
        Natives natives = Natives.choose(map("natives", "download", "flavor", "cpu"),
                map("PYTORCH_VERSION", "2.7.1"), map("PYTORCH_FLAVOR", "cu128"), JNI);
        assertEquals(Map.of("ai.djl.offline", "false", "PYTORCH_FLAVOR", "cu128", "PYTORCH_VERSION", "2.7.1"),
                natives.properties());
        assertEquals("PyTorch 2.7.1 (the property PYTORCH_VERSION = '2.7.1') for cu128 (the environment variable"
                + " PYTORCH_FLAVOR = 'cu128') downloaded by DJL from publish.djl.ai into its engine cache on the first"
                + " start (natives = download)", natives.description());
    }

    @Test
    void downloadWhenDjlIsKeptOfflineIsRefused() {
        assertEquals("The setting natives = 'download' in " + FILE + " needs DJL online, but the environment variable"
                + " DJL_OFFLINE is 'true'; unset DJL_OFFLINE, or write natives = bundled or natives = local.",
                refusal(map("natives", "download"), NONE, map("DJL_OFFLINE", "true")));
        assertEquals(Source.DOWNLOAD,
                Natives.choose(map("natives", "download"), NONE, map("DJL_OFFLINE", "false"), JNI).source());
    }

    @Test
    void aFlavourWithoutJniLibraryIsRefusedNamingThoseThereAre() {
        assertEquals("The setting flavor = 'cu124' in " + FILE + " names no JNI library of the engine for linux-x86_64;"
                + " write flavor = cpu or cu128.", refusal(map("natives", "download", "flavor", "cu124"), NONE, NONE));
        assertEquals("The environment variable PYTORCH_FLAVOR = 'cu128-precxx11' names no JNI library of the engine for"
                + " linux-x86_64; set PYTORCH_FLAVOR to cpu or cu128, or unset it and write flavor in " + FILE + ".",
                refusal(map("natives", "download"), NONE, map("PYTORCH_FLAVOR", "cu128-precxx11")));
    }

    @Test
    void theDefaultFlavourIsRefusedWhereTheJniJarHasNoCudaBuild() {
        JniLibraries aarch64 = JniLibraries.in(getClass().getClassLoader(), "linux-aarch64");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Natives.choose(map("natives", "download"), NONE, NONE, aarch64));
        assertEquals("The default flavor = cu128 (flavor unset in " + FILE + ") names no JNI library of the engine for"
                + " linux-aarch64; write flavor = cpu.", e.getMessage());
        JniLibraries nowhere = JniLibraries.of("aix-ppc64", "2.7.1", "0.35.1", Set.of());
        e = assertThrows(IllegalArgumentException.class,
                () -> Natives.choose(map("natives", "download", "flavor", "cpu"), NONE, NONE, nowhere));
        assertEquals("The setting flavor = 'cpu' in " + FILE + " names no JNI library of the engine for aix-ppc64;"
                + " the engine has none for this platform, so write natives = bundled in " + FILE + ".", e.getMessage());
    }

    @Test
    void downloadWithTheOperatorsLibraryPathIsThatLibtorch() {
        Natives natives = Natives.choose(map("natives", "download"), NONE,
                map("PYTORCH_LIBRARY_PATH", libtorch.toString()), JNI);
        assertEquals(Source.LOCAL, natives.source());
        assertFalse(natives.hidesBundledNatives());
        assertEquals(libtorch.toString(), natives.properties().get("PYTORCH_LIBRARY_PATH"));
    }

    // local

    @Test
    void localPointsDjlAtTheFolderWithTheJniLibrariesFlavourAndVersion() {
        Natives natives = choose(map("natives", "local", "libtorch", libtorch.toString()));
        assertEquals(Source.LOCAL, natives.source());
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString(), "PYTORCH_FLAVOR", "cu128",
                "PYTORCH_VERSION", "2.7.1"), natives.properties());
        assertFalse(natives.hidesBundledNatives());
        assertFalse(natives.properties().containsKey("ai.djl.offline"), "stays offline as the engine sets it");
        assertEquals("libtorch 2.7.1 for cu128 in " + libtorch + " (natives = local)", natives.description());
    }

    @Test
    void localTakesTheFlavourAndVersionWritten() {
        Natives natives = choose(map("natives", "local", "libtorch", libtorch.resolve(LIBTORCH).toString(),
                "flavor", "cpu", "version", "2.7.1-20250812"));
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", libtorch.resolve(LIBTORCH).toString(), "PYTORCH_FLAVOR", "cpu",
                "PYTORCH_VERSION", "2.7.1-20250812"), natives.properties());
    }

    @Test
    void localKeepsWhatTheOperatorSetForDjl() {
        Path other = temp.resolve("other");
        Natives natives = Natives.choose(map("natives", "local", "libtorch", other.toString(), "flavor", "cu128"),
                map("PYTORCH_VERSION", "2.7.1"),
                map("PYTORCH_LIBRARY_PATH", libtorch.toString(), "PYTORCH_FLAVOR", "cpu"), JNI);
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString(), "PYTORCH_FLAVOR", "cpu",
                "PYTORCH_VERSION", "2.7.1"), natives.properties());
        assertEquals("libtorch 2.7.1 for cpu in " + libtorch + " (the environment variable PYTORCH_LIBRARY_PATH = '"
                + libtorch + "', which DJL reads before " + FILE + ")", natives.description());

        natives = Natives.choose(map("natives", "local"), map("PYTORCH_LIBRARY_PATH", libtorch.toString()), NONE, JNI);
        assertEquals(libtorch.toString(), natives.properties().get("PYTORCH_LIBRARY_PATH"),
                "a framework property becomes the system property DJL reads, as ENGINE_CACHE_DIR does");
    }

    @Test
    void localWithoutFolderIsRefused() {
        assertEquals("The setting natives = 'local' in " + FILE + " needs the folder of libtorch; write libtorch = the"
                + " absolute path of the folder that holds " + LIBTORCH + ", or natives = bundled.",
                refusal(map("natives", "local"), NONE, NONE));
    }

    @Test
    void aRelativeFolderIsRefused() {
        assertEquals("The setting libtorch = 'libtorch/lib' in " + FILE + " is not an absolute path; write libtorch ="
                + " the absolute path of the folder that holds " + LIBTORCH + ".",
                refusal(map("natives", "local", "libtorch", "libtorch/lib"), NONE, NONE));
    }

    @Test
    void aFolderWithoutLibtorchIsRefused() {
        Path empty = temp.resolve("empty");
        assertEquals("The setting libtorch = '" + empty + "' in " + FILE + " holds no " + LIBTORCH + "; write libtorch ="
                + " the folder of a libtorch build that holds " + LIBTORCH + ".",
                refusal(map("natives", "local", "libtorch", empty.toString()), NONE, NONE));
        assertEquals("The environment variable PYTORCH_LIBRARY_PATH = '" + empty + "' holds no " + LIBTORCH
                + "; set PYTORCH_LIBRARY_PATH to the folder of a libtorch build that holds " + LIBTORCH
                + ", or unset it and write libtorch in " + FILE + ".",
                refusal(map("natives", "local"), NONE, map("PYTORCH_LIBRARY_PATH", empty.toString())));
    }

    @Test
    void theLibtorchRootIsRefusedNamingItsLibFolder() {
        Path root = libtorch.getParent();
        assertEquals("The setting libtorch = '" + root + "' in " + FILE + " holds no " + LIBTORCH + "; write libtorch = "
                + libtorch + ".", refusal(map("natives", "local", "libtorch", root.toString()), NONE, NONE));
    }

    @Test
    void anotherPyTorchVersionIsRefused() {
        assertEquals("The setting version = '2.6.0' in " + FILE + " is not 2.7.1, the PyTorch version of the engine's"
                + " JNI libraries; install libtorch 2.7.1 and write version = 2.7.1.",
                refusal(map("natives", "local", "libtorch", libtorch.toString(), "version", "2.6.0"), NONE, NONE));
        assertEquals("The environment variable PYTORCH_VERSION = '2.7.10' is not 2.7.1, the PyTorch version of the"
                + " engine's JNI libraries; install libtorch 2.7.1 and set PYTORCH_VERSION to 2.7.1, or unset it and"
                + " write version in " + FILE + ".",
                refusal(map("natives", "local", "libtorch", libtorch.toString()), NONE, map("PYTORCH_VERSION", "2.7.10")));
    }

    @Test
    void aLocalFlavourWithoutJniLibraryIsRefused() {
        assertEquals("The setting flavor = 'cu126' in " + FILE + " names no JNI library of the engine for linux-x86_64;"
                + " write flavor = cpu or cu128.",
                refusal(map("natives", "local", "libtorch", libtorch.toString(), "flavor", "cu126"), NONE, NONE));
    }

    @Test
    void aFolderWithItsOwnJniLibraryNeedsNoneOfTheEngines() throws IOException {
        Files.createFile(libtorch.resolve("0.35.1-" + System.mapLibraryName("djl_torch")));
        Natives natives = choose(map("natives", "local", "libtorch", libtorch.toString(), "flavor", "cu126",
                "version", "2.6.0"));
        assertEquals(Map.of("PYTORCH_LIBRARY_PATH", libtorch.toString(), "PYTORCH_FLAVOR", "cu126",
                "PYTORCH_VERSION", "2.6.0"), natives.properties());
        assertEquals("libtorch 2.6.0 for cu126 in " + libtorch + " with its own JNI library (natives = local)",
                natives.description());
    }

    // any

    @Test
    void anUnknownChoiceIsRefused() {
        assertEquals("The setting natives = 'gpu' in " + FILE + " is not a source of PyTorch natives;"
                + " write natives = bundled, download or local.", refusal(map("natives", "gpu"), NONE, NONE));
    }

    @Test
    void theSameNativesAreRecognised() {
        assertTrue(choose(map("natives", "download")).sameAs(choose(map("natives", "Download", "flavor", "cu128"))));
        assertFalse(choose(map("natives", "download")).sameAs(choose(map("natives", "download", "flavor", "cpu"))));
        assertFalse(choose(map("natives", "download")).sameAs(Natives.BUNDLED));
        assertTrue(Natives.BUNDLED.sameAs(choose(map("natives", "bundled"))));
        assertFalse(Natives.BUNDLED.sameAs(choose(map("natives", "local", "libtorch", libtorch.toString()))));
    }

    @Test
    void theOperatorsPropertiesAreThoseBeforeTheEngineSetItsOwn() {
        Map<String, String> properties = new HashMap<>(Map.of("PYTORCH_VERSION", "2.7.1", "karaf.data", "data"));
        UnaryOperator<String> operators = Natives.operatorProperties(properties::get);
        Natives local = Natives.choose(map("natives", "local", "libtorch", libtorch.toString()), operators, NONE, JNI);
        properties.putAll(local.properties()); // as DjlSystemProperties.apply sets them
        assertEquals(libtorch.toString(), properties.get("PYTORCH_LIBRARY_PATH"));
        assertEquals("2.7.1", operators.apply("PYTORCH_VERSION"));
        assertEquals(null, operators.apply("PYTORCH_LIBRARY_PATH"));
        assertEquals(null, operators.apply("karaf.data"), "only what the choice reads");
        assertSame(Natives.BUNDLED, Natives.choose(map("natives", "bundled"), operators, NONE, JNI),
                "a later change to bundled is not mistaken for the operator's own libtorch");
    }
}
