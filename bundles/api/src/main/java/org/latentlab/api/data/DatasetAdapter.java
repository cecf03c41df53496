package org.latentlab.api.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

    /** Reads a file in the dataset's published format, for evaluation. */
    List<Example> read(Path file) throws IOException;
}
