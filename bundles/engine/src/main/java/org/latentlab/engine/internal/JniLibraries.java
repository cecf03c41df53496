package org.latentlab.engine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

/**
 * DJL's PyTorch JNI libraries embedded in this bundle (the pytorch-jni jar): the PyTorch and DJL versions they are
 * built for ({@code jnilib/pytorch.properties}) and the flavours ({@code cpu}, {@code cu128}...) they exist in for this
 * host's platform ({@code jnilib/<platform>/<flavour>/}). When DJL loads a libtorch of that PyTorch version that
 * brings no JNI library of its own, it takes the one for its flavour from here.
 */
public final class JniLibraries {

    static final String PROPERTIES = "jnilib/pytorch.properties";

    private final String platform;
    private final String pytorchVersion;
    private final String djlVersion;
    private final Predicate<String> hasFlavor;

    JniLibraries(String platform, String pytorchVersion, String djlVersion, Predicate<String> hasFlavor) {
        this.platform = platform;
        this.pytorchVersion = pytorchVersion;
        this.djlVersion = djlVersion;
        this.hasFlavor = hasFlavor;
    }

    /** The given flavours, for tests. */
    static JniLibraries of(String platform, String pytorchVersion, String djlVersion, Set<String> flavors) {
        return new JniLibraries(platform, pytorchVersion, djlVersion, flavors::contains);
    }

    /**
     * The JNI libraries {@code loader} holds for this host's platform.
     *
     * @param loader the bundle's class loader
     * @return what the loader holds
     */
    public static JniLibraries in(ClassLoader loader) {
        return in(loader, hostPlatform());
    }

    /** The JNI libraries {@code loader} holds for {@code platform}, like {@code linux-x86_64}. */
    static JniLibraries in(ClassLoader loader, String platform) {
        URL url = loader.getResource(PROPERTIES);
        if (url == null) {
            throw new IllegalStateException("This bundle holds no " + PROPERTIES + "; rebuild it with DJL's pytorch-jni jar.");
        }
        Properties properties = new Properties();
        try (InputStream in = url.openStream()) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + url, e);
        }
        String jniVersion = properties.getProperty("jni_version", ""); // PyTorch version - DJL version: 2.7.1-0.35.1
        int dash = jniVersion.indexOf('-');
        String pytorch = dash < 0 ? jniVersion : jniVersion.substring(0, dash);
        String djl = dash < 0 ? "" : jniVersion.substring(dash + 1);
        String library = libraryName(platform, "djl_torch");
        return new JniLibraries(platform, pytorch, djl,
                flavor -> loader.getResource("jnilib/" + platform + "/" + flavor + "/" + library) != null);
    }

    /** This host's platform as DJL names it: {@code linux-x86_64}, {@code osx-aarch64}, {@code win-x86_64}. */
    static String hostPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String prefix = os.startsWith("win") ? "win" : os.startsWith("mac") ? "osx" : os.startsWith("linux") ? "linux" : os;
        String arch = System.getProperty("os.arch", "");
        return prefix + "-" + ("amd64".equals(arch) ? "x86_64" : arch);
    }

    /** A native library's file name on {@code platform}. */
    static String libraryName(String platform, String name) {
        if (platform.startsWith("win-")) {
            return name + ".dll";
        }
        return "lib" + name + (platform.startsWith("osx-") ? ".dylib" : ".so");
    }

    /** The platform these answers are for, like {@code linux-x86_64}. */
    public String platform() {
        return platform;
    }

    /** The PyTorch version the JNI libraries are built for, like {@code 2.7.1}. */
    public String pytorchVersion() {
        return pytorchVersion;
    }

    /** The DJL version the JNI libraries are built for, like {@code 0.35.1}. */
    public String djlVersion() {
        return djlVersion;
    }

    /** Whether there is a JNI library for {@code flavor} on this platform. */
    public boolean has(String flavor) {
        return flavor != null && !flavor.isBlank() && hasFlavor.test(flavor);
    }

    /**
     * The flavours there is a JNI library for on this platform, among {@code cpu}, {@code cpu-precxx11} and
     * {@code cu100} to {@code cu199} with and without {@code -precxx11}: {@code cpu} and {@code cu128} in DJL 0.35.1's.
     */
    public List<String> flavors() {
        List<String> candidates = new ArrayList<>(List.of("cpu", "cpu-precxx11"));
        for (int cuda = 100; cuda < 200; cuda++) {
            candidates.add("cu" + cuda);
            candidates.add("cu" + cuda + "-precxx11");
        }
        List<String> flavors = new ArrayList<>();
        for (String candidate : candidates) {
            if (has(candidate)) {
                flavors.add(candidate);
            }
        }
        return flavors;
    }
}
