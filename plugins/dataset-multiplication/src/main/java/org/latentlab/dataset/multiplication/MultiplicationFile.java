package org.latentlab.dataset.multiplication;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.latentlab.api.data.Example;

/**
 * Reads the published multiplication format (the Implicit-CoT repository's {@code data/4_by_4_mult} and
 * {@code data/5_by_5_mult}): one problem a line, {@code a b c d * e f g h||<steps> #### <answer digits>}, digits
 * least significant first (see {@link MultiplicationText}). Blank lines are skipped. The question is kept as
 * written; the steps are cut before each {@code +}, so there is one per digit of the multiplier; the answer must be
 * the product of the operands. An example's id is the file's name without its extension and the line number
 * (from 1): {@code 4x4_valid-1}. A line that breaks this is refused with one sentence naming the file, the line
 * and what is wrong.
 */
final class MultiplicationFile {

    private static final String STEPS = "||";
    private static final String ANSWER = "####";

    private MultiplicationFile() {
    }

    static List<Example> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("The multiplication file " + file + " does not exist; pass the path of a published "
                    + "file such as 4x4_valid.txt.");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("The multiplication file " + file + " is not a regular file; pass the path of a "
                    + "published file such as 4x4_valid.txt.");
        }
        String stem = stem(file);
        List<Example> examples = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (!line.isBlank()) {
                    examples.add(problem(file, number, stem + "-" + number, line));
                }
            }
        } catch (CharacterCodingException e) {
            throw new IOException("The multiplication file " + file + " is not UTF-8 text; pass the path of a "
                    + "published file such as 4x4_valid.txt.", e);
        }
        return examples;
    }

    private static Example problem(Path file, int number, String id, String line) throws IOException {
        int stepsAt = line.indexOf(STEPS);
        if (stepsAt < 0 || line.indexOf(STEPS, stepsAt + 1) >= 0) {
            throw malformed(file, number, "must hold one '" + STEPS + "' between the question and the steps");
        }
        String question = line.substring(0, stepsAt);
        String rest = line.substring(stepsAt + STEPS.length());
        int answerAt = rest.indexOf(ANSWER);
        if (answerAt < 0 || rest.indexOf(ANSWER, answerAt + 1) >= 0) {
            throw malformed(file, number, "must hold one '" + ANSWER + "' between the steps and the answer");
        }
        List<String> operands = Arrays.asList(question.trim().split("\\s*\\*\\s*", -1));
        if (operands.size() != 2) {
            throw malformed(file, number, "has the question '" + question.trim() + "', which is not two numbers joined by one '*'");
        }
        int[] a = digits(file, number, "multiplicand", operands.get(0));
        int[] b = digits(file, number, "multiplier", operands.get(1));
        int[] answer = digits(file, number, "answer", rest.substring(answerAt + ANSWER.length()));
        List<String> steps = steps(file, number, rest.substring(0, answerAt));
        if (steps.size() != b.length) {
            throw malformed(file, number, "has " + steps.size() + " steps, not the " + b.length
                    + " of a multiplier of " + b.length + " digits (one partial product a digit)");
        }
        int[] product = MultiplicationText.product(a, b);
        String written = MultiplicationText.ordinary(answer);
        String expected = MultiplicationText.ordinary(product);
        if (!written.equals(expected)) {
            throw malformed(file, number, "has the answer " + written + ", but " + MultiplicationText.ordinary(a) + " * "
                    + MultiplicationText.ordinary(b) + " is " + expected);
        }
        if (answer.length != product.length) {
            throw malformed(file, number, "has an answer of " + answer.length + " digits, not the " + product.length
                    + " of the padded product");
        }
        Example computed = MultiplicationText.example(id, a, b);
        return new Example(id, computed.question(), steps, computed.answer(), computed.extras());
    }

    /** Single digits separated by spaces, least significant first as written. */
    private static int[] digits(Path file, int number, String what, String text) throws IOException {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw malformed(file, number, "has no " + what);
        }
        String[] words = trimmed.split("\\s+");
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            if (words[i].length() != 1 || words[i].charAt(0) < '0' || words[i].charAt(0) > '9') {
                throw malformed(file, number, "has '" + words[i] + "' in its " + what + ", which is not a single digit");
            }
            out[i] = words[i].charAt(0) - '0';
        }
        return out;
    }

    /** The steps text cut before each {@code +}, spaces normalised to one; only digits, + and brackets are words. */
    private static List<String> steps(Path file, int number, String text) throws IOException {
        List<String> steps = new ArrayList<>();
        StringBuilder step = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!word.matches("[0-9+()]")) {
                throw malformed(file, number, "has '" + word + "' in its steps, which is not a digit, '+', '(' or ')'");
            }
            if (word.equals("+") && step.length() > 0) {
                steps.add(step.toString());
                step.setLength(0);
            }
            if (step.length() > 0) {
                step.append(' ');
            }
            step.append(word);
        }
        if (step.length() > 0) {
            steps.add(step.toString());
        }
        return steps;
    }

    private static IOException malformed(Path file, int number, String problem) {
        return new IOException("The multiplication file " + file + " is malformed: line " + number + " " + problem + ".");
    }

    private static String stem(Path file) {
        String name = file.getFileName() == null ? "multiplication" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
