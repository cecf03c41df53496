package org.latentlab.engine.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The system properties DJL reads on its first use, chosen before that use: offline, no tracking, PyTorch as the
 * default engine, this bundle's native helper, cache directories under Karaf's data directory (or the temporary
 * directory outside Karaf), and PyTorch's intra-op thread count from {@value #THREADS}.
 * <p>
 * A cache directory or thread count the operator already set, as an environment variable, a system property or a
 * framework property, is kept.
 * <p>
 * The natives' own properties ({@link Natives}) come last: {@code bundled}, the default, adds none, so without
 * configuration these are the properties the engine always set; {@code download} turns {@code ai.djl.offline} off.
 */
public final class DjlSystemProperties {

    /** Framework or system property: PyTorch's intra-op threads; PyTorch's own default (one per core) when absent. */
    public static final String THREADS = "latentlab.threads";

    static final String ENGINE_CACHE_DIR = "ENGINE_CACHE_DIR";
    static final String DJL_CACHE_DIR = "DJL_CACHE_DIR";
    static final String NUM_THREADS = "ai.djl.pytorch.num_threads";

    private DjlSystemProperties() {}

    /**
     * The properties to set.
     *
     * @param property a framework property, falling back to the system property of the same name
     * @param environment an environment variable
     * @return property names and values, in the order to set them
     */
    public static Map<String, String> choose(UnaryOperator<String> property, UnaryOperator<String> environment) {
        return choose(property, environment, Natives.BUNDLED);
    }

    /**
     * The properties to set for {@code natives}.
     *
     * @param property a framework property, falling back to the system property of the same name
     * @param environment an environment variable
     * @param natives where DJL takes PyTorch's natives from
     * @return property names and values, in the order to set them
     */
    public static Map<String, String> choose(UnaryOperator<String> property, UnaryOperator<String> environment,
            Natives natives) {
        Map<String, String> chosen = new LinkedHashMap<>();
        chosen.put("ai.djl.offline", "true");
        chosen.put("OPT_OUT_TRACKING", "true");
        chosen.put("ai.djl.default_engine", "PyTorch");
        chosen.put("ai.djl.pytorch.native_helper", NativeLibraries.class.getName());

        String karafData = property.apply("karaf.data");
        Path base = present(karafData) ? Path.of(karafData) : Path.of(System.getProperty("java.io.tmpdir"));
        String prefix = present(karafData) ? "djl-" : "latentlab-djl-";
        chosen.put(ENGINE_CACHE_DIR, first(property, environment, ENGINE_CACHE_DIR,
                base.resolve(prefix + "engines").toString()));
        chosen.put(DJL_CACHE_DIR, first(property, environment, DJL_CACHE_DIR,
                base.resolve(prefix + "cache").toString()));

        String threadsProperty = present(property.apply(NUM_THREADS)) ? NUM_THREADS : THREADS;
        String threads = property.apply(threadsProperty);
        if (present(threads)) {
            chosen.put(NUM_THREADS, String.valueOf(threadCount(threadsProperty, threads)));
        }
        chosen.putAll(natives.properties());
        return chosen;
    }

    /** Sets {@link #choose} for {@code natives} on the JVM. */
    public static void apply(UnaryOperator<String> property, Natives natives) {
        choose(property, System::getenv, natives).forEach(System::setProperty);
    }

    private static String first(UnaryOperator<String> property, UnaryOperator<String> environment, String name,
            String fallback) {
        String value = environment.apply(name);
        if (present(value)) {
            return value;
        }
        value = property.apply(name);
        return present(value) ? value : fallback;
    }

    private static int threadCount(String name, String value) {
        try {
            int threads = Integer.parseInt(value.strip());
            if (threads > 0) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("The property " + name + " is '" + value
                + "', not a thread count; set it to a whole number like 4, or remove it.");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
