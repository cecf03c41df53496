package org.latentlab.engine.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's configuration, pid {@value #PID}: in Karaf the file {@value #FILE}, which Karaf's file install hands to
 * Configuration Admin and so to the engine component.
 * <p>
 * The natives load once per JVM, at the component's activation, and Karaf starts the engine bundle (start level 50)
 * before file install hands a new or edited {@value #FILE} to Configuration Admin: file install processes its folder
 * only once the framework has reached its final start level, and until then Configuration Admin holds the
 * configuration of the previous run, or none on a first start. So in Karaf ({@code karaf.etc} set) the component reads
 * the file itself when it activates, with the {@code ${name}} and {@code ${env:NAME}} placeholders file install
 * resolves; outside Karaf (plain Felix, tests) it takes what Configuration Admin gives it, or nothing. Later changes
 * reach the running component through Configuration Admin.
 */
public final class EngineConfiguration {

    /** The configuration pid. */
    public static final String PID = "org.latentlab.engine";

    /** Where an operator writes the configuration, as messages name it. */
    public static final String FILE = "etc/" + PID + ".cfg";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^${}]+)}");
    private static final UnaryOperator<String> NONE = name -> null;

    private EngineConfiguration() {}

    /**
     * The settings the engine starts with.
     *
     * @param property a framework property, falling back to the system property of the same name
     * @param environment an environment variable
     * @param configuration the component's properties from Configuration Admin (possibly empty)
     * @return the value of each setting, {@code null} when unset
     */
    public static UnaryOperator<String> atStart(UnaryOperator<String> property, UnaryOperator<String> environment,
            Map<String, ?> configuration) {
        String etc = property.apply("karaf.etc");
        if (etc == null || etc.isBlank()) {
            return settings(configuration);
        }
        Path file = Path.of(etc, PID + ".cfg");
        return Files.isRegularFile(file) ? read(file, property, environment) : NONE;
    }

    /**
     * The settings in the component's properties.
     *
     * @param configuration the component's properties from Configuration Admin
     * @return the value of each setting as text (a list as its items separated by commas), {@code null} when unset
     */
    public static UnaryOperator<String> settings(Map<String, ?> configuration) {
        return name -> text(configuration == null ? null : configuration.get(name));
    }

    /**
     * The settings in a {@code .cfg} file, with {@code ${name}} replaced by another setting of the file or else a
     * framework or system property, {@code ${env:NAME}} by an environment variable, and an unknown name by nothing.
     */
    static UnaryOperator<String> read(Path file, UnaryOperator<String> property, UnaryOperator<String> environment) {
        Properties written = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            written.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> settings = new HashMap<>();
        for (String name : written.stringPropertyNames()) {
            settings.put(name, resolve(written.getProperty(name), written, property, environment));
        }
        return settings::get;
    }

    private static String resolve(String value, Properties written, UnaryOperator<String> property,
            UnaryOperator<String> environment) {
        Matcher placeholder = PLACEHOLDER.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String name = placeholder.group(1);
            String replacement = name.startsWith("env:") ? environment.apply(name.substring("env:".length()))
                    : written.getProperty(name, property.apply(name));
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(replacement == null ? "" : replacement));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value.getClass().isArray()) {
            StringJoiner items = new StringJoiner(",");
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(String.valueOf(Array.get(value, i)));
            }
            return items.toString();
        }
        if (value instanceof Collection) {
            StringJoiner items = new StringJoiner(",");
            ((Collection<?>) value).forEach(item -> items.add(String.valueOf(item)));
            return items.toString();
        }
        return value.toString();
    }
}
