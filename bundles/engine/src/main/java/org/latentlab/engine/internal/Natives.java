package org.latentlab.engine.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Where DJL takes PyTorch's natives from, chosen by the setting {@value #SETTING} in {@value EngineConfiguration#FILE},
 * and the system properties that make DJL 0.35.1's {@code ai.djl.pytorch.jni.LibUtils} do so on its first use:
 * <ul>
 * <li>{@code bundled} (the default): the CPU natives embedded in this bundle, offline. DJL finds their
 * {@code native/lib/pytorch.properties} on the class path and extracts them into its engine cache. No property is
 * set beyond those the engine always sets.</li>
 * <li>{@code download}: DJL downloads PyTorch {@code 2.7.1} for the flavour {@value #FLAVOR_SETTING} (default
 * {@value #DEFAULT_FLAVOR}) from publish.djl.ai into its engine cache, once: {@code ai.djl.offline=false},
 * {@code PYTORCH_FLAVOR}. DJL downloads only when no matching {@code native/lib/pytorch.properties} is on the class
 * path, and {@code PYTORCH_VERSION} cannot ask for 2.7.1 over the bundled {@code 2.7.1-20250812} (DJL compares with
 * {@code startsWith}), so the engine hides that one file from DJL while it loads ({@link #hidesBundledNatives()}).</li>
 * <li>{@code local}: the libtorch folder {@value #LIBTORCH_SETTING} on this host, offline: {@code PYTORCH_LIBRARY_PATH},
 * which DJL reads before anything on the class path, {@code PYTORCH_FLAVOR} and {@code PYTORCH_VERSION} (default the
 * JNI libraries' own, 2.7.1), with which DJL picks the embedded JNI library unless the folder brings its own.</li>
 * </ul>
 * DJL reads an environment variable before the system property of the same name; so, as for the cache directories,
 * a {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_FLAVOR} or {@code PYTORCH_VERSION} the operator set (environment
 * variable, framework or system property) is kept over the file's setting, and the description says so. A value DJL
 * would fail on, or silently pass over for the CPU natives, is refused with one sentence naming the setting.
 */
public final class Natives {

    /** The setting: {@code bundled}, {@code download} or {@code local}. */
    public static final String SETTING = "natives";
    /** The setting: the flavour of the natives, {@code cpu} or {@code cu128}. */
    public static final String FLAVOR_SETTING = "flavor";
    /** The setting: the folder that holds libtorch's libraries, for {@code local}. */
    public static final String LIBTORCH_SETTING = "libtorch";
    /** The setting: the PyTorch version of that libtorch, for {@code local}. */
    public static final String VERSION_SETTING = "version";

    /** The flavour a GPU host gets when none is written. */
    public static final String DEFAULT_FLAVOR = "cu128";

    static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";
    static final String FLAVOR = "PYTORCH_FLAVOR";
    static final String VERSION = "PYTORCH_VERSION";
    static final String OFFLINE = "ai.djl.offline";
    static final String DJL_OFFLINE = "DJL_OFFLINE";

    /** Where the natives come from. */
    public enum Source {
        BUNDLED, DOWNLOAD, LOCAL;

        String written() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The bundled CPU natives, with nothing set: what the engine does with no configuration. */
    public static final Natives BUNDLED = new Natives(Source.BUNDLED, Map.of(),
            "the CPU natives embedded in the engine bundle (" + SETTING + " = bundled)");

    private final Source source;
    private final Map<String, String> properties;
    private final String description;

    private Natives(Source source, Map<String, String> properties, String description) {
        this.source = source;
        this.properties = Map.copyOf(properties);
        this.description = description;
    }

    /**
     * The natives the settings ask for.
     *
     * @param setting a setting of {@value EngineConfiguration#FILE}, {@code null} when unset
     * @param property a framework property, falling back to the system property of the same name
     * @param environment an environment variable
     * @param jni the JNI libraries embedded in this bundle
     * @return the choice
     * @throws IllegalArgumentException with one sentence naming the setting when a value cannot work
     */
    public static Natives choose(UnaryOperator<String> setting, UnaryOperator<String> property,
            UnaryOperator<String> environment, JniLibraries jni) {
        Value natives = Value.of(SETTING, setting.apply(SETTING));
        Value operatorPath = Value.operator(LIBRARY_PATH, LIBTORCH_SETTING, property, environment);
        Source source = source(natives);
        if (source == Source.BUNDLED) {
            if (operatorPath == null) {
                return BUNDLED;
            }
            return new Natives(Source.BUNDLED, Map.of(), "the libtorch in " + operatorPath.described()
                    + " if it holds one, since DJL reads it before the CPU natives embedded in the engine bundle ("
                    + SETTING + " = bundled)");
        }
        if (source == Source.DOWNLOAD && operatorPath == null) {
            return download(natives, setting, property, environment, jni);
        }
        return local(natives, operatorPath, setting, property, environment, jni);
    }

    /**
     * The operator's own values of the properties {@link #choose} reads, as they are now: the engine sets some of them
     * itself, so a later choice (a changed configuration) must not take those for the operator's.
     *
     * @param property a framework property, falling back to the system property of the same name
     * @return the values now, by name
     */
    public static UnaryOperator<String> operatorProperties(UnaryOperator<String> property) {
        Map<String, String> now = new HashMap<>();
        for (String name : List.of(LIBRARY_PATH, FLAVOR, VERSION)) {
            String value = property.apply(name);
            if (value != null) {
                now.put(name, value);
            }
        }
        return now::get;
    }

    private static Source source(Value natives) {
        if (natives == null) {
            return Source.BUNDLED;
        }
        for (Source source : Source.values()) {
            if (source.written().equals(natives.value.toLowerCase(Locale.ROOT))) {
                return source;
            }
        }
        throw new IllegalArgumentException(natives.described(true)
                + " is not a source of PyTorch natives; write " + SETTING + " = bundled, download or local.");
    }

    private static Natives download(Value natives, UnaryOperator<String> setting, UnaryOperator<String> property,
            UnaryOperator<String> environment, JniLibraries jni) {
        String offline = environment.apply(DJL_OFFLINE);
        if (offline != null && Boolean.parseBoolean(offline.strip())) {
            throw new IllegalArgumentException(natives.described(true) + " needs DJL online, but the environment"
                    + " variable " + DJL_OFFLINE + " is '" + offline + "'; unset " + DJL_OFFLINE + ", or write "
                    + SETTING + " = bundled or " + SETTING + " = local.");
        }
        Value flavor = flavor(setting, property, environment, jni);
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put(OFFLINE, "false");
        chosen.put(FLAVOR, flavor.value);
        Value version = Value.operator(VERSION, VERSION_SETTING, property, environment);
        if (version != null) {
            chosen.put(VERSION, version.value);
        }
        return new Natives(Source.DOWNLOAD, chosen, "PyTorch " + (version == null ? jni.pytorchVersion()
                : version.value + " (" + version.described() + ")") + " for " + flavor.value
                + (flavor.operator() ? " (" + flavor.described() + ")" : "")
                + " downloaded by DJL from publish.djl.ai into its engine cache on the first start ("
                + SETTING + " = download)");
    }

    private static Natives local(Value natives, Value operatorPath, UnaryOperator<String> setting,
            UnaryOperator<String> property, UnaryOperator<String> environment, JniLibraries jni) {
        Value path = operatorPath;
        if (path == null) {
            path = Value.of(LIBTORCH_SETTING, setting.apply(LIBTORCH_SETTING));
            if (path == null) {
                throw new IllegalArgumentException(natives.described(true) + " needs the folder of libtorch; write "
                        + LIBTORCH_SETTING + " = the absolute path of the folder that holds " + libtorch()
                        + ", or " + SETTING + " = bundled.");
            }
            if (!Path.of(path.value).isAbsolute()) {
                throw new IllegalArgumentException(path.described(true) + " is not an absolute path; write "
                        + LIBTORCH_SETTING + " = the absolute path of the folder that holds " + libtorch() + ".");
            }
        }
        Path folder = libtorchFolder(path.value);
        if (folder == null) {
            throw new IllegalArgumentException(path.described(true) + " holds no " + libtorch() + "; "
                    + betterFolder(path));
        }
        boolean ownJni = Files.isRegularFile(folder.resolve(jni.djlVersion() + "-" + djlTorch()))
                || Files.isRegularFile(folder.resolve(djlTorch()));
        Value flavor = ownJni ? Value.operatorOr(FLAVOR, FLAVOR_SETTING, setting, property, environment, DEFAULT_FLAVOR)
                : flavor(setting, property, environment, jni);
        Value version = Value.operatorOr(VERSION, VERSION_SETTING, setting, property, environment, jni.pytorchVersion());
        if (!ownJni && !Pattern.matches(Pattern.quote(jni.pytorchVersion()) + "(-SNAPSHOT)?(-\\d+)?", version.value)) {
            throw new IllegalArgumentException(version.described(true) + " is not " + jni.pytorchVersion()
                    + ", the PyTorch version of the engine's JNI libraries; "
                    + version.fix(jni.pytorchVersion(), "install libtorch " + jni.pytorchVersion() + " and "));
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put(LIBRARY_PATH, path.value);
        chosen.put(FLAVOR, flavor.value);
        chosen.put(VERSION, version.value);
        String why = path.operator() ? path.described() + ", which DJL reads before " + EngineConfiguration.FILE
                : SETTING + " = local";
        return new Natives(Source.LOCAL, chosen, "libtorch " + version.value + " for " + flavor.value + " in " + folder
                + (ownJni ? " with its own JNI library" : "") + " (" + why + ")");
    }

    /** The flavour, which must be one of the embedded JNI libraries'. */
    private static Value flavor(UnaryOperator<String> setting, UnaryOperator<String> property,
            UnaryOperator<String> environment, JniLibraries jni) {
        Value flavor = Value.operatorOr(FLAVOR, FLAVOR_SETTING, setting, property, environment, DEFAULT_FLAVOR);
        if (!jni.has(flavor.value)) {
            List<String> flavors = jni.flavors();
            String prefix = flavor.described(true) + " names no JNI library of the engine for " + jni.platform() + "; ";
            if (flavors.isEmpty()) {
                throw new IllegalArgumentException(prefix + "the engine has none for this platform, so write " + SETTING
                        + " = bundled in " + EngineConfiguration.FILE + ".");
            }
            throw new IllegalArgumentException(prefix + flavor.fix(String.join(" or ", flavors), ""));
        }
        return flavor;
    }

    /** DJL's test: the path, or one of the paths separated by the path separator, is libtorch or holds it. */
    static Path libtorchFolder(String paths) {
        for (String written : paths.split(Pattern.quote(File.pathSeparator))) {
            if (written.isBlank()) {
                continue;
            }
            Path path = Path.of(written);
            if (Files.isRegularFile(path) && path.getFileName().toString().equals(libtorch())) {
                return path.toAbsolutePath().getParent();
            }
            if (Files.isRegularFile(path.resolve(libtorch()))) {
                return path.toAbsolutePath();
            }
        }
        return null;
    }

    private static String betterFolder(Value path) {
        Path lib = Path.of(path.value).resolve("lib");
        if (Files.isRegularFile(lib.resolve(libtorch()))) {
            return path.fix(lib.toString(), "");
        }
        return path.fix("the folder of a libtorch build that holds " + libtorch(), "");
    }

    private static String libtorch() {
        return System.mapLibraryName("torch");
    }

    private static String djlTorch() {
        return System.mapLibraryName("djl_torch");
    }

    /** Where the natives come from. */
    public Source source() {
        return source;
    }

    /** The system properties DJL reads for these natives, beyond those the engine always sets. */
    public Map<String, String> properties() {
        return properties;
    }

    /**
     * Whether DJL must not see the CPU natives embedded in this bundle while it loads PyTorch: with them in sight it
     * extracts them and never downloads.
     */
    public boolean hidesBundledNatives() {
        return source == Source.DOWNLOAD;
    }

    /** Where the natives come from, in words, for the log. */
    public String description() {
        return description;
    }

    /** Whether {@code other} loads the same natives the same way. */
    public boolean sameAs(Natives other) {
        return other != null && source == other.source && properties.equals(other.properties);
    }

    @Override
    public String toString() {
        return description;
    }

    /** A value and where it was written. */
    private static final class Value {
        final String name;
        final String setting; // the file's setting for the same thing
        final String value;
        final String origin; // "setting", "default", "environment variable" or "property"

        private Value(String name, String setting, String value, String origin) {
            this.name = name;
            this.setting = setting;
            this.value = value;
            this.origin = origin;
        }

        static Value of(String setting, String value) {
            return present(value) ? new Value(setting, setting, value.strip(), "setting") : null;
        }

        /** A variable or property DJL reads itself, which the operator set: the environment first, as DJL does. */
        static Value operator(String name, String setting, UnaryOperator<String> property,
                UnaryOperator<String> environment) {
            String value = environment.apply(name);
            if (present(value)) {
                return new Value(name, setting, value.strip(), "environment variable");
            }
            value = property.apply(name);
            return present(value) ? new Value(name, setting, value.strip(), "property") : null;
        }

        static Value operatorOr(String name, String setting, UnaryOperator<String> settings,
                UnaryOperator<String> property, UnaryOperator<String> environment, String fallback) {
            Value value = operator(name, setting, property, environment);
            if (value == null) {
                value = of(setting, settings.apply(setting));
            }
            return value != null ? value : new Value(setting, setting, fallback, "default");
        }

        boolean operator() {
            return origin.equals("environment variable") || origin.equals("property");
        }

        /** The value as a sentence names it: the setting in the file, or the variable or property. */
        String described() {
            return described(false);
        }

        String described(boolean startsSentence) {
            String the = startsSentence ? "The " : "the ";
            if (operator()) {
                return the + origin + " " + name + " = '" + value + "'";
            }
            if (origin.equals("default")) {
                return the + "default " + name + " = " + value + " (" + name + " unset in " + EngineConfiguration.FILE
                        + ")";
            }
            return the + "setting " + name + " = '" + value + "' in " + EngineConfiguration.FILE;
        }

        /** What to write instead, after a sentence that began with {@link #described}. */
        String fix(String good, String prefix) {
            if (operator()) {
                return prefix + "set " + name + " to " + good + ", or unset it and write " + setting + " in "
                        + EngineConfiguration.FILE + ".";
            }
            return prefix + "write " + name + " = " + good + ".";
        }

        private static boolean present(String value) {
            return value != null && !value.isBlank();
        }

        @Override
        public String toString() {
            return value;
        }
    }
}
