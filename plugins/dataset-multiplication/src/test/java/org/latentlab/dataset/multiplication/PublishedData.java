package org.latentlab.dataset.multiplication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * The published multiplication files, where the shared data folder is present: the folder named by the system
 * property {@code latentlab.shared.data}, or else the first {@code shared/data} found going up from the working
 * directory (the module's folder when Maven runs the tests).
 */
final class PublishedData {

    private PublishedData() {
    }

    /** The folder holding {@code 4x4_valid.txt} and {@code 5x5_valid.txt}, if present. */
    static Optional<Path> folder() {
        String property = System.getProperty("latentlab.shared.data");
        if (property != null) {
            Path named = Path.of(property, "multiplication");
            if (Files.isDirectory(named)) {
                return Optional.of(named);
            }
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data").resolve("multiplication");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The published file of that name, or the test is skipped with a message saying what is absent. */
    static Path file(String name) {
        Optional<Path> file = folder().map(f -> f.resolve(name)).filter(Files::isRegularFile);
        Assumptions.assumeTrue(file.isPresent(), "The published multiplication file " + name + " (multiplication/" + name
                + " under the shared data folder, found through the system property latentlab.shared.data or by looking "
                + "for shared/data above the working directory) is absent; the test that needs it is skipped.");
        return file.get();
    }
}
