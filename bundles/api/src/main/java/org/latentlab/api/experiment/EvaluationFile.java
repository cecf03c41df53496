package org.latentlab.api.experiment;

/**
 * A file in the dataset's published format to evaluate on.
 *
 * @param name     how results name this set
 * @param path     the file; relative paths resolve against the platform's data roots
 * @param optional when true, a missing file is skipped with a note instead of failing the spec
 */
public record EvaluationFile(String name, String path, Boolean optional) {
    public EvaluationFile {
        optional = optional != null && optional;
    }
}
