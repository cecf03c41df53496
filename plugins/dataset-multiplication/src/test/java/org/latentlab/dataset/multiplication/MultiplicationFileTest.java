package org.latentlab.dataset.multiplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

class MultiplicationFileTest {

    private static final String FIRST = "5 6 3 2 * 7 4 3 4||5 5 5 6 1 + 0 0 6 4 9 0 ( 5 5 1 1 1 1 ) + 0 0 5 9 0 7 0 "
            + "( 5 5 6 0 2 8 0 ) + 0 0 0 0 6 4 9 0 #### 5 5 6 0 8 2 0 1";
    private static final String SECOND = "6 9 1 5 * 6 4 4 7||6 7 1 1 3 + 0 4 8 7 0 2 ( 6 1 0 9 3 2 ) + 0 0 4 8 7 0 2 "
            + "( 6 1 4 7 1 3 2 ) + 0 0 0 2 7 3 6 3 #### 6 1 4 9 8 6 8 3";

    @TempDir
    Path folder;

    private final MultiplicationAdapter adapter = new MultiplicationAdapter();

    /** Evaluation compares a model's output with these strings, so each part of a line is kept exactly. */
    @Test
    void readsALineInThePublishedFormat() throws IOException {
        List<Example> examples = adapter.read(write("small.txt", FIRST + "\n" + SECOND + "\n"));
        assertEquals(2, examples.size());
        Example e = examples.get(0);
        assertEquals("small-1", e.id());
        assertEquals("5 6 3 2 * 7 4 3 4", e.question());
        assertEquals(List.of("5 5 5 6 1", "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )", "+ 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )",
                "+ 0 0 0 0 6 4 9 0"), e.steps());
        assertEquals("5 5 6 0 8 2 0 1", e.answer());
        assertEquals(Map.of("multiplicand", "2365", "multiplier", "4347", "product", "10280655"), e.extras());
        assertEquals("small-2", examples.get(1).id());
        assertEquals("6 1 4 9 8 6 8 3", examples.get(1).answer());
    }

    /** Ids follow line numbers, so a blank line (a trailing one, say) is skipped without renumbering the problems. */
    @Test
    void blankLinesAreSkippedAndIdsNameTheLine() throws IOException {
        List<Example> examples = adapter.read(write("gaps.txt", FIRST + "\n\n" + SECOND + "\n\n"));
        assertEquals(List.of("gaps-1", "gaps-3"), examples.stream().map(Example::id).toList());
    }

    /** A user can write generated problems in the published format and read them back unchanged. */
    @Test
    void generatedProblemsReadBackTheSame() throws IOException {
        for (int digits : List.of(1, 2, 3, 6, 9)) {
            List<Example> generated = adapter.load(new DatasetSpec("multiplication", 50, 0, 0, Map.of("digits", digits)), 9L).train();
            String text = generated.stream().map(MultiplicationFileTest::line).collect(Collectors.joining("\n"));
            List<Example> read = adapter.read(write("generated-" + digits + ".txt", text));
            assertEquals(generated.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                assertEquals(generated.get(i).question(), read.get(i).question());
                assertEquals(generated.get(i).steps(), read.get(i).steps());
                assertEquals(generated.get(i).answer(), read.get(i).answer());
                assertEquals(generated.get(i).extras(), read.get(i).extras());
            }
        }
    }

    /**
     * A corrupted or foreign file is refused before anything is evaluated on it, with one sentence that names the file,
     * the line and what is wrong, so the user can open the file at that line.
     */
    @Test
    void aMalformedLineIsRefusedNamingTheFileAndTheLine() throws IOException {
        assertRefused(write("bars.txt", FIRST + "\n" + SECOND.replace("||", " ")),
                "bars.txt is malformed: line 2 must hold one '||' between the question and the steps.");
        assertRefused(write("hashes.txt", FIRST.replace(" #### ", " ")),
                "hashes.txt is malformed: line 1 must hold one '####' between the steps and the answer.");
        assertRefused(write("star.txt", SECOND + "\n" + FIRST.replace(" * ", " ")),
                "star.txt is malformed: line 2 has the question '5 6 3 2 7 4 3 4', which is not two numbers joined by one '*'.");
        assertRefused(write("letter.txt", FIRST.replace("5 6 3 2 *", "5 6 x 2 *")),
                "letter.txt is malformed: line 1 has 'x' in its multiplicand, which is not a single digit.");
        assertRefused(write("number.txt", FIRST.replace("#### 5 5 6 0 8 2 0 1", "#### 10280655")),
                "number.txt is malformed: line 1 has '10280655' in its answer, which is not a single digit.");
        assertRefused(write("wrong.txt", FIRST + "\n" + SECOND + "\n" + FIRST.replace("#### 5 5 6 0 8 2 0 1", "#### 5 5 6 0 8 2 0 2")),
                "wrong.txt is malformed: line 3 has the answer 20280655, but 2365 * 4347 is 10280655.");
        assertRefused(write("short.txt", FIRST.replace("#### 5 5 6 0 8 2 0 1", "#### 5 5 6 0 8 2 0 1 0")),
                "short.txt is malformed: line 1 has an answer of 9 digits, not the 8 of the padded product.");
        assertRefused(write("steps.txt", FIRST.replace(" + 0 0 0 0 6 4 9 0", "")),
                "steps.txt is malformed: line 1 has 3 steps, not the 4 of a multiplier of 4 digits (one partial product a digit).");
        assertRefused(write("words.txt", FIRST.replace("( 5 5 1 1 1 1 )", "[ 5 5 1 1 1 1 ]")),
                "words.txt is malformed: line 1 has '[' in its steps, which is not a digit, '+', '(' or ')'.");
        assertRefused(write("empty.txt", FIRST.replace("#### 5 5 6 0 8 2 0 1", "####")),
                "empty.txt is malformed: line 1 has no answer.");
        assertRefused(folder.resolve("absent.txt"), "absent.txt does not exist");
    }

    private void assertRefused(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> adapter.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("The multiplication file " + file), message);
        assertTrue(message.contains(expected), message);
        assertTrue(message.endsWith("."), message);
        assertFalse(message.contains("\n"), message);
    }

    static String line(Example e) {
        return e.question() + "||" + String.join(" ", e.steps()) + " #### " + e.answer();
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(folder.resolve(name), content);
    }
}
