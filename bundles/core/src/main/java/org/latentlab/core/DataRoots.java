package org.latentlab.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.latentlab.api.experiment.SpecException;

/**
 * The folders a spec may read data files from. A file a spec names (an evaluation file, a dataset option that is a
 * path) must lie inside one of them, compared by real path: symbolic links and {@code ..} are resolved first, so a
 * link or a traversal cannot lead out of a root.
 *
 * <p>The roots are the orchestrator's configuration property {@code dataRoots} or else the system property
 * {@value #PROPERTY} (comma-separated absolute paths); when neither is set, the defaults are the user's home,
 * {@code karaf.home} when set, the system temp directory, and the folder of the spec being read with everything below
 * it.
 */
final class DataRoots {

    /** The system property naming the roots when the configuration does not. */
    static final String PROPERTY = "latentlab.dataRoots";
    /** The configuration property of pid {@code org.latentlab.core}. */
    static final String CONFIGURATION = "dataRoots";
    /** Where the message points a user who wants to allow another folder. */
    static final String WHERE = "dataRoots in etc/org.latentlab.core.cfg";

    private final List<Path> roots;
    /** True for the defaults, which also allow the folder of the spec being read. */
    private final boolean defaults;

    private DataRoots(List<Path> roots, boolean defaults) {
        this.roots = List.copyOf(roots);
        this.defaults = defaults;
    }

    /** Exactly these roots (and not the spec's folder). */
    static DataRoots of(List<Path> roots) {
        return new DataRoots(roots.stream().map(DataRoots::real).toList(), false);
    }

    /**
     * The roots of a comma-separated list ({@code configured}, else the system property), or the defaults when neither
     * holds any; a root that is not absolute is refused.
     */
    static DataRoots from(Object configured) {
        String list = configured != null ? configured.toString() : System.getProperty(PROPERTY);
        if (list == null || list.isBlank()) {
            return defaults();
        }
        List<Path> roots = new ArrayList<>();
        for (String entry : list.split(",")) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            Path root;
            try {
                root = Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("The data root '" + text + "' is not a valid path; fix " + WHERE + ".", e);
            }
            if (!root.isAbsolute()) {
                throw new IllegalArgumentException("The data root '" + text + "' is not an absolute path; fix " + WHERE + ".");
            }
            roots.add(root);
        }
        return roots.isEmpty() ? defaults() : of(roots);
    }

    /** The user's home, {@code karaf.home} when set and the system temp directory, plus each spec's own folder. */
    static DataRoots defaults() {
        Set<Path> roots = new LinkedHashSet<>();
        for (String property : List.of("user.home", "karaf.home", "java.io.tmpdir")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                roots.add(real(Path.of(value).toAbsolutePath()));
            }
        }
        return new DataRoots(new ArrayList<>(roots), true);
    }

    /** The roots a spec read from {@code specFolder} (null when unknown) may use. */
    List<Path> roots(Path specFolder) {
        if (!defaults || specFolder == null) {
            return roots;
        }
        List<Path> all = new ArrayList<>(roots);
        all.add(real(specFolder.toAbsolutePath()));
        return all;
    }

    /** True when {@code file}, by its real path, lies inside one of the roots for a spec read from {@code specFolder}. */
    boolean allows(Path file, Path specFolder) {
        Path real = real(file.toAbsolutePath());
        return roots(specFolder).stream().anyMatch(real::startsWith);
    }

    /**
     * Refuses {@code file} with one sentence when it lies outside the roots: {@code what} names it, as in
     * "The evaluation file 'valid'".
     */
    void check(String what, Path file, Path specFolder) {
        if (!allows(file, specFolder)) {
            throw new SpecException(what + " at " + real(file.toAbsolutePath()) + " is outside the allowed data roots ("
                    + describe(specFolder) + "); move it under one of them or add its folder to " + WHERE + ".");
        }
    }

    /** The roots for a spec read from {@code specFolder}, comma-separated, for messages. */
    String describe(Path specFolder) {
        return roots(specFolder).stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    /**
     * The real path of {@code path}: {@link Path#toRealPath} where it exists; otherwise the real path of its deepest
     * existing ancestor (links and {@code ..} resolved in the order the system resolves them) with the rest appended,
     * so that a link above a missing file still counts.
     */
    static Path real(Path path) {
        Path absolute = path.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute.normalize();
        }
        try {
            Path rest = existing.relativize(absolute);
            return rest.toString().isEmpty() ? existing.toRealPath() : existing.toRealPath().resolve(rest).normalize();
        } catch (IOException | IllegalArgumentException e) {
            return absolute.normalize();
        }
    }

    @Override
    public String toString() {
        return roots + (defaults ? " and each spec's folder" : "");
    }
}
