package org.latentlab.dataset.multiplication;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.DatasetOptions;

/**
 * The generator's settings, read from {@code DatasetSpec.options}.
 *
 * @param digits  the number n of digits in each operand
 * @param exclude files in the published format whose problems are never generated
 */
record MultiplicationOptions(int digits, List<Path> exclude) {

    static final String DIGITS = "digits";
    static final String EXCLUDE = "exclude";
    /** Every option name the multiplication adapter knows. */
    static final List<String> ACCEPTED = List.of(DIGITS, EXCLUDE);

    /** The published files are 4 by 4 and 5 by 5; 4 is the smaller. */
    static final int DEFAULT_DIGITS = 4;
    static final int FEWEST_DIGITS = 1;
    /** Nine digits keep each operand, and the count of distinct problems, within a Java int and long. */
    static final int MOST_DIGITS = 9;

    MultiplicationOptions {
        if (digits < FEWEST_DIGITS || digits > MOST_DIGITS) {
            throw new IllegalArgumentException("The multiplication option '" + DIGITS + "' is " + digits
                    + "; it must be between " + FEWEST_DIGITS + " and " + MOST_DIGITS + ".");
        }
        exclude = List.copyOf(exclude);
    }

    /**
     * Reads the options of a dataset spec; names other than {@link #ACCEPTED} are refused, and so is an
     * {@code exclude} that does not name existing files.
     */
    static MultiplicationOptions from(Map<String, Object> options) {
        DatasetOptions.acceptOnly("multiplication", options, ACCEPTED);
        int digits = DatasetOptions.wholeNumber("multiplication", options, DIGITS, DEFAULT_DIGITS, "digits");
        return new MultiplicationOptions(digits, exclude(options.get(EXCLUDE)));
    }

    private static List<Path> exclude(Object value) {
        List<Path> files = paths(value);
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("The multiplication option '" + EXCLUDE + "' names " + file
                        + ", which is not a file; give the path of a published file such as 4x4_valid.txt.");
            }
        }
        return files;
    }

    /** The paths an {@code exclude} value names, whether or not they exist; a value that is no path is refused. */
    static List<Path> paths(Object value) {
        if (value == null) {
            return List.of();
        }
        List<?> names = value instanceof List<?> list ? list : List.of(value);
        List<Path> files = new ArrayList<>(names.size());
        for (Object name : names) {
            if (!(name instanceof String text) || text.isBlank()) {
                throw new IllegalArgumentException("The multiplication option '" + EXCLUDE + "' must be the path of a "
                        + "published file, or a list of such paths, not '" + value + "'.");
            }
            Path file;
            try {
                file = Path.of(text.trim());
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("The multiplication option '" + EXCLUDE + "' names '" + text.replaceAll("\\p{Cntrl}", "?")
                        + "', which is not a valid path; give the path of a published file such as 4x4_valid.txt.", e);
            }
            files.add(file);
        }
        return files;
    }

    /** How many distinct problems there are before any exclusion: (9 × 10<sup>n-1</sup>)<sup>2</sup>. */
    long distinctProblems() {
        long operands = operands();
        return operands * operands;
    }

    /** How many n-digit operands there are (leading digit non-zero): 9 × 10<sup>n-1</sup>. */
    int operands() {
        int operands = 9;
        for (int i = 1; i < digits; i++) {
            operands *= 10;
        }
        return operands;
    }
}
