package org.latentlab.dataset.prontoqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

class ProntoQaFileTest {

    /** The ProntoQA example of the Coconut paper (appendix A.1), in the form its preprocessing writes. */
    private static final String COCONUT_EXAMPLE = """
            [{"question": "Brimpuses are not luminous. Shumpuses are amenable. Each yumpus is a lorpus. Gorpuses are shumpuses. \
            Each zumpus is a grimpus. Gorpuses are rompuses. Dumpuses are not floral. Lempuses are cold. Brimpuses are impuses. \
            Every lorpus is floral. Every rompus is transparent. Grimpuses are muffled. Rompuses are yumpuses. Rompuses are \
            wumpuses. Zumpuses are fast. Wumpuses are bitter. Every sterpus is orange. Each lorpus is a vumpus. Yumpuses are \
            feisty. Each yumpus is a lempus. Gorpuses are snowy. Zumpuses are gorpuses. Every lorpus is a sterpus. Stella is a \
            brimpus. Stella is a zumpus. True or false: Stella is not floral.",
              "steps": ["Stella is a zumpus. Zumpuses are gorpuses.", "Stella is a gorpus. Gorpuses are rompuses.",
                        "Stella is a rompus. Rompuses are yumpuses.", "Stella is a yumpus. Each yumpus is a lorpus.",
                        "Stella is a lorpus. Every lorpus is floral.", "Stella is floral."],
              "answer": "False"}]
            """;

    @TempDir
    Path folder;

    private final ProntoQaAdapter adapter = new ProntoQaAdapter();

    @Test
    void readsTheCoconutPapersExample() throws IOException {
        List<Example> examples = adapter.read(write("prontoqa_test.json", COCONUT_EXAMPLE));
        assertEquals(1, examples.size());
        Example e = examples.get(0);
        assertEquals("prontoqa_test-0", e.id());
        assertEquals("False", e.answer());
        assertEquals(6, e.steps().size());
        assertTrue(e.question().endsWith("Stella is a zumpus. True or false: Stella is not floral."), e.question());
        assertEquals("Stella", e.extras().get(DeductionChain.ENTITY));
        assertEquals(List.of("zumpus", "gorpus", "rompus", "yumpus", "lorpus"), e.extras().get(DeductionChain.CONCEPTS));
        assertEquals("floral", e.extras().get(DeductionChain.PROPERTY));
        assertEquals(true, e.extras().get(DeductionChain.NEGATED));
        // the published problem passes the same checks as the generated ones: the checks read the real format
        ProntoQaDeductionTest.checkDeduction(e, 5);
        ProntoQaDeductionTest.checkContext(e, 5);
    }

    @Test
    void generatedProblemsReadBackTheSame() throws IOException {
        for (int hops : new int[] {1, 5, 8}) {
            List<Example> generated = adapter.load(new DatasetSpec("prontoqa", 40, 0, 0, java.util.Map.of("hops", hops)), 5L).train();
            Path file = folder.resolve("prontoqa_" + hops + "hop.json");
            ProntoQaFile.write(file, generated);
            List<Example> read = adapter.read(file);
            assertEquals(generated.size(), read.size());
            for (int i = 0; i < generated.size(); i++) {
                Example g = generated.get(i);
                Example r = read.get(i);
                assertEquals("prontoqa_" + hops + "hop-" + i, r.id());
                assertEquals(g.question(), r.question());
                assertEquals(g.steps(), r.steps());
                assertEquals(g.answer(), r.answer());
                assertEquals(g.extras(), r.extras(), "the chain read back from the text is the one generated");
            }
        }
    }

    @Test
    void malformedFilesAreRefusedWithOneClearSentence() throws IOException {
        assertRefused(write("broken.json", "[{\"question\": \"Stella is a"), "broken.json is not valid JSON (line 1");
        assertRefused(write("object.json", "{\"question\": \"x\"}"), "object.json must hold a JSON list of problems, not an object.");
        assertRefused(write("empty.json", ""), "empty.json is empty");
        assertRefused(write("item.json", "[[\"Stella\"]]"), "item.json is malformed: [0] is a list, not a problem object, in the record that starts on line 1.");
        assertRefused(write("missing.json", COCONUT_EXAMPLE.replace("\"answer\": \"False\"", "\"answer\": null")),
                "missing.json is malformed: [0] has no 'answer'");
        assertRefused(write("answer.json", COCONUT_EXAMPLE.replace("\"answer\": \"False\"", "\"answer\": \"No\"")),
                "answer.json is malformed: [0].answer is \"No\", not True or False");
        assertRefused(write("flag.json", COCONUT_EXAMPLE.replace("\"answer\": \"False\"", "\"answer\": false")),
                "flag.json is malformed: [0].answer must be a string, not a boolean");
        assertRefused(write("steps.json", COCONUT_EXAMPLE.replace("\"steps\": [", "\"steps\": [3, ")),
                "steps.json is malformed: [0].steps[0] must be a string, not a number");
        assertRefused(write("extra.json", COCONUT_EXAMPLE.replace("\"answer\": \"False\"", "\"answer\": \"False\", \"hops\": 5")),
                "extra.json is malformed: [0].hops is not a ProntoQA field (the fields are question, steps, answer)");
        assertRefused(write("query.json", COCONUT_EXAMPLE.replace(" True or false: Stella is not floral.", "")),
                "query.json is malformed: [0].question does not end with a query of the form 'True or false: <entity> is [not] <property>.'");
        assertRefused(folder.resolve("absent.json"), "absent.json does not exist");
        assertRefused(folder, "is not a regular file");
    }

    @Test
    void aMalformedRecordIsNamedWithTheLineItStartsOn() throws IOException {
        String good = COCONUT_EXAMPLE.strip();
        String records = good.substring(1, good.length() - 1).strip();
        Path file = write("lines.json", "[\n" + records + ",\n" + records + ",\n  {\"question\": 7}\n]\n");
        int line = (int) ("[\n" + records + ",\n" + records + ",\n").chars().filter(c -> c == '\n').count() + 1;
        assertRefused(file, "lines.json is malformed: [2].question must be a string, not a number");
        assertRefused(file, ", in the record that starts on line " + line + ".");
    }

    private void assertRefused(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> adapter.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("The ProntoQA file " + file), message);
        assertTrue(message.contains(expected), message);
        assertTrue(message.endsWith("."), message);
        assertFalse(message.contains("\n"), message);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(folder.resolve(name), content);
    }
}
