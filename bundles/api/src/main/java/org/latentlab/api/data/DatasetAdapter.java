package org.latentlab.api.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/** A dataset plugin: generates splits and reads files in the dataset's published format. */
@ConsumerType
public interface DatasetAdapter {

    /** Generates (or reads) the training, validation and test splits; the same seed gives the same data. */
    Dataset load(DatasetSpec spec, long seed) throws IOException;

    /**
     * Checks the spec's options before anything runs, so that a bad value is refused at once instead of failing the
     * run it was submitted with: throws {@link IllegalArgumentException} with one sentence naming the option. Accepts
     * anything by default.
     */
    default void checkOptions(DatasetSpec spec) {
    }

    /**
     * The files the spec's options name, by option name, as the adapter will open them (a relative path against the
     * working directory), so that the platform can check them against its data roots before anything reads them.
     * Throws {@link IllegalArgumentException} with one sentence for an option it cannot read; none by default.
     *
     * @since 1.3
     */
    default Map<String, List<Path>> files(DatasetSpec spec) {
        return Map.of();
    }

    /**
     * Reads a file in the dataset's published format, for evaluation; a malformed file is refused with an
     * {@link IOException} whose message is one sentence naming the file and the line (or record) of the first problem.
     */
    List<Example> read(Path file) throws IOException;
}
