package org.latentlab.reward.prosqa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * The published ProsQA validation file, where the shared data folder is present: the folder named by the system
 * property {@code latentlab.shared.data}, or else the first {@code shared/data} found going up from the working
 * directory (the module's folder when Maven runs the tests).
 */
final class PublishedData {

    private static final Path FILE = Path.of("prosqa", "prosqa_valid.json");

    private PublishedData() {
    }

    /** The published validation split, or the test is skipped with a message saying what is absent. */
    static Path validation() {
        Optional<Path> file = Optional.empty();
        String property = System.getProperty("latentlab.shared.data");
        if (property != null && Files.isRegularFile(Path.of(property).resolve(FILE))) {
            file = Optional.of(Path.of(property).resolve(FILE));
        }
        for (Path dir = Path.of("").toAbsolutePath(); file.isEmpty() && dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data").resolve(FILE);
            if (Files.isRegularFile(candidate)) {
                file = Optional.of(candidate);
            }
        }
        Assumptions.assumeTrue(file.isPresent(), "The published ProsQA file prosqa/prosqa_valid.json (under the shared data "
                + "folder, found through the system property latentlab.shared.data or by looking for shared/data above the "
                + "working directory) is absent; the test that needs it is skipped.");
        return file.get();
    }
}
