package org.latentlab.dataset.multiplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

/** The published 4-by-4 and 5-by-5 files, against the generator's text and against arithmetic done independently. */
class PublishedFilesTest {

    private final MultiplicationAdapter adapter = new MultiplicationAdapter();

    /**
     * A user trains on generated problems and evaluates on the published file, so the generator must write exactly
     * what the file writes: from the two operands of every line, the steps and the answer are regenerated, character
     * for character.
     */
    @ParameterizedTest
    @CsvSource({"4x4_valid.txt, 4", "5x5_valid.txt, 5"})
    void theGeneratorWritesEveryPublishedLineExactly(String name, int digits) throws IOException {
        Path file = PublishedData.file(name);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(1000, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String question = line.substring(0, line.indexOf("||"));
            String steps = line.substring(line.indexOf("||") + 2, line.indexOf(" #### "));
            String answer = line.substring(line.indexOf(" #### ") + 6);
            int[] a = leastSignificantFirst(question.split(" \\* ")[0]);
            int[] b = leastSignificantFirst(question.split(" \\* ")[1]);
            assertEquals(digits, a.length, name + " line " + (i + 1));
            assertEquals(digits, b.length, name + " line " + (i + 1));
            Example generated = MultiplicationText.example("x", a, b);
            assertEquals(question, generated.question(), name + " line " + (i + 1));
            assertEquals(steps, String.join(" ", generated.steps()), name + " line " + (i + 1));
            assertEquals(answer, generated.answer(), name + " line " + (i + 1));
            assertEquals(line, generated.question() + "||" + String.join(" ", generated.steps()) + " #### " + generated.answer());
        }
    }

    /**
     * Evaluating on the published file means reading all of it: 1000 problems, one step per digit of the multiplier,
     * and answers that are the true product (checked here with Java's long arithmetic, not the adapter's digits).
     */
    @ParameterizedTest
    @CsvSource({"4x4_valid.txt, 4", "5x5_valid.txt, 5"})
    void readingAPublishedFileGivesEveryProblemWithItsProduct(String name, int digits) throws IOException {
        Path file = PublishedData.file(name);
        List<Example> examples = adapter.read(file);
        assertEquals(1000, examples.size());
        String stem = name.substring(0, name.indexOf('.'));
        Set<String> questions = new HashSet<>();
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            assertEquals(stem + "-" + (i + 1), e.id());
            assertEquals(digits, e.steps().size(), e.id());
            assertTrue(questions.add(e.question()), e.id() + " repeats a question");
            String[] operands = e.question().split(" \\* ");
            long a = ordinary(operands[0]);
            long b = ordinary(operands[1]);
            assertTrue(a >= pow10(digits - 1) && b >= pow10(digits - 1), e.id() + ": the leading digit is never 0");
            long product = Math.multiplyExact(a, b);
            assertEquals(product, ordinary(e.answer()), e.id());
            assertEquals(2 * digits, e.answer().split(" ").length, e.id() + ": the answer is padded to 2n digits");
            assertEquals(Long.toString(a), e.extras().get(MultiplicationText.MULTIPLICAND), e.id());
            assertEquals(Long.toString(b), e.extras().get(MultiplicationText.MULTIPLIER), e.id());
            assertEquals(Long.toString(product), e.extras().get(MultiplicationText.PRODUCT), e.id());
        }
        Example first = examples.get(0);
        if (digits == 4) {
            assertEquals("5 6 3 2 * 7 4 3 4", first.question());
            assertEquals(List.of("5 5 5 6 1", "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )", "+ 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )",
                    "+ 0 0 0 0 6 4 9 0"), first.steps());
            assertEquals("5 5 6 0 8 2 0 1", first.answer());
            assertEquals(2365L * 4347L, ordinary(first.answer()));
        }
    }

    /**
     * A user who trains on generated problems and evaluates on the published file names it in {@code exclude}, and
     * relies on every one of its problems being held out: the count of problems left says all 1000 were taken in,
     * and no generated problem of any split is one of them.
     */
    @ParameterizedTest
    @CsvSource({"4x4_valid.txt, 4", "5x5_valid.txt, 5"})
    void excludingAPublishedFileKeepsItsProblemsOutOfEverySplit(String name, int digits) throws IOException {
        Path file = PublishedData.file(name);
        Set<String> published = new HashSet<>();
        adapter.read(file).forEach(e -> published.add(e.question()));
        Map<String, Object> options = Map.of("digits", digits, "exclude", file.toString());
        Dataset data = adapter.load(new DatasetSpec("multiplication", 5000, 500, 500, options), 1L);
        for (List<Example> split : List.of(data.train(), data.validation(), data.test())) {
            for (Example e : split) {
                assertFalse(published.contains(e.question()), e.id() + " is a published problem: " + e.question());
            }
        }
        if (digits == 4) { // 81 000 000 problems, minus the file's; the 5-by-5 count does not fit the spec's int sizes
            long left = 81_000_000L - 1000;
            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                    () -> adapter.load(new DatasetSpec("multiplication", (int) left + 1, 0, 0, options), 1L));
            assertEquals("The multiplication dataset has only 80999000 distinct problems of 4 by 4 digits outside the "
                    + "excluded files, not the 80999001 the spec asks for; ask for fewer examples or more digits.",
                    tooMany.getMessage());
        }
    }

    private static int[] leastSignificantFirst(String text) {
        String[] words = text.trim().split(" ");
        int[] digits = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            digits[i] = Integer.parseInt(words[i]);
        }
        return digits;
    }

    /** A least-significant-first digit string as a number. */
    private static long ordinary(String text) {
        String[] words = text.trim().split(" ");
        long value = 0;
        for (int i = words.length - 1; i >= 0; i--) {
            value = value * 10 + Integer.parseInt(words[i]);
        }
        return value;
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }
}
