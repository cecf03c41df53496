package org.latentlab.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;

/** Reads spec files for the commands: paths inside a spec resolve against its folder, and errors name the file. */
final class SpecFiles {

    private SpecFiles() {
    }

    /** The specs of a file: one, or each of a JSON array of them (a grid). */
    static java.util.List<ExperimentSpec> read(ExperimentService experiments, Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        String json;
        try {
            json = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw new SpecException("The spec file " + absolute + " does not exist; give the path of a JSON spec.");
        }
        try {
            return experiments.parseAll(json, absolute.getParent());
        } catch (SpecException e) {
            throw new SpecException(absolute.getFileName() + ": " + e.getMessage(), e);
        }
    }
}
