package org.latentlab.reward.multiplication;

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

    /** The published file of that name, or the test is skipped with a message saying what is absent. */
    static Path file(String name) {
        Path relative = Path.of("multiplication", name);
        Optional<Path> file = Optional.empty();
        String property = System.getProperty("latentlab.shared.data");
        if (property != null && Files.isRegularFile(Path.of(property).resolve(relative))) {
            file = Optional.of(Path.of(property).resolve(relative));
        }
        for (Path dir = Path.of("").toAbsolutePath(); file.isEmpty() && dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data").resolve(relative);
            if (Files.isRegularFile(candidate)) {
                file = Optional.of(candidate);
            }
        }
        Assumptions.assumeTrue(file.isPresent(), "The published multiplication file " + relative + " (under the shared data "
                + "folder, found through the system property latentlab.shared.data or by looking for shared/data above the "
                + "working directory) is absent; the test that needs it is skipped.");
        return file.get();
    }
}
