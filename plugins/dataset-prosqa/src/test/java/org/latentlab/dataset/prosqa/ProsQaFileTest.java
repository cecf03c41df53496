package org.latentlab.dataset.prosqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.data.Example;

class ProsQaFileTest {

    private static final String ONE_PROBLEM = """
            [{"question": "Every wumpus is a yumpus. Tom is a wumpus. Sam is a rompus. Is Tom a rompus or yumpus?",
              "answer": "Tom is a yumpus.",
              "steps": ["Tom is a wumpus.", "Every wumpus is a yumpus."],
              "idx_to_symbol": ["Tom", "Sam", "wumpus", "rompus", "yumpus"],
              "edges": [[0, 2], [1, 3], [2, 4]],
              "root": 0, "target": 4, "neg_target": 3}]
            """;

    @TempDir
    Path folder;

    private final ProsQaAdapter adapter = new ProsQaAdapter();

    @Test
    void readsThePublishedValidationSplit() throws IOException {
        Optional<Path> file = MeasuredProblem.publishedValidation();
        Assumptions.assumeTrue(file.isPresent(), "The published ProsQA validation split (prosqa/prosqa_valid.json under the folder "
                + "named by the system property latentlab.shared.data) is absent; reading it is skipped.");
        List<Example> examples = adapter.read(file.get());
        assertEquals(300, examples.size());

        Example first = examples.get(0);
        assertEquals("prosqa_valid-0", first.id());
        assertEquals("Tom is a lempus.", first.answer());
        assertEquals(List.of("Tom is a terpus.", "Every terpus is a brimpus.", "Every brimpus is a lempus."), first.steps());
        assertTrue(first.question().startsWith("Every shumpus is a rempus. Every shumpus is a yimpus."));
        assertTrue(first.question().endsWith(" Is Tom a lempus or scrompus?"));
        assertEquals(1, first.extras().get("root"));
        assertEquals(16, first.extras().get("target"));
        assertEquals(13, first.extras().get("neg_target"));
        assertEquals(List.of(0, 2), ((List<?>) first.extras().get("edges")).get(0));
        assertEquals("Davis", ((List<?>) first.extras().get("idx_to_symbol")).get(0));

        Example last = examples.get(299);
        assertEquals("prosqa_valid-299", last.id());
        int steps = 0;
        for (Example e : examples) {
            MeasuredProblem p = MeasuredProblem.of(e);
            assertTrue(p.stepPath().isPresent(), e.id() + ": steps read as a path of its graph");
            assertEquals(p.symbols().get(p.root()) + " is a " + p.symbols().get(p.target()) + ".", e.answer(), e.id());
            steps += e.steps().size();
        }
        assertEquals(1126, steps, "every step of the 300 problems is kept");
    }

    @Test
    void readsAFileInThePublishedFormat() throws IOException {
        Path file = write("small.json", ONE_PROBLEM);
        List<Example> examples = adapter.read(file);
        assertEquals(1, examples.size());
        Example e = examples.get(0);
        assertEquals("small-0", e.id());
        assertEquals("Tom is a yumpus.", e.answer());
        assertEquals(List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), e.steps());
        assertEquals(List.of(List.of(0, 2), List.of(1, 3), List.of(2, 4)), e.extras().get("edges"));
        assertEquals(List.of("Tom", "Sam", "wumpus", "rompus", "yumpus"), e.extras().get("idx_to_symbol"));
        assertEquals(0, e.extras().get("root"));
        assertEquals(4, e.extras().get("target"));
        assertEquals(3, e.extras().get("neg_target"));
        MeasuredProblem p = MeasuredProblem.of(e);
        assertEquals(2, p.hops());
        assertFalse(p.reachable(p.negTarget()));
    }

    @Test
    void aGeneratedProblemReadsBackTheSame() throws IOException {
        Example generated = adapter.load(new org.latentlab.api.data.DatasetSpec("prosqa", 1, 0, 0, null), 5L).train().get(0);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(List.of(java.util.Map.of(
                "question", generated.question(), "answer", generated.answer(), "steps", generated.steps(),
                "idx_to_symbol", generated.extras().get("idx_to_symbol"), "edges", generated.extras().get("edges"),
                "root", generated.extras().get("root"), "target", generated.extras().get("target"),
                "neg_target", generated.extras().get("neg_target"))));
        Example read = adapter.read(write("generated.json", json)).get(0);
        assertEquals(generated.question(), read.question());
        assertEquals(generated.steps(), read.steps());
        assertEquals(generated.answer(), read.answer());
        assertEquals(generated.extras(), read.extras());
    }

    @Test
    void malformedFilesAreRefusedWithOneClearSentence() throws IOException {
        assertRefused(write("broken.json", "[{\"question\": \"Is Tom a"), "broken.json is not valid JSON (line 1");
        assertRefused(write("truncated.json", "[{\"question\": \"Is Tom a yumpus?\""),
                "truncated.json is not valid JSON (line 1, column 33): Unexpected end-of-input: expected close marker for Object.");
        assertRefused(write("object.json", "{\"question\": \"x\"}"), "object.json must hold a JSON list of problems, not an object.");
        assertRefused(write("empty.json", ""), "empty.json is empty");
        assertRefused(write("missing.json", ONE_PROBLEM.replace("\"answer\": \"Tom is a yumpus.\",", "")),
                "missing.json is malformed: [0] has no 'answer'");
        assertRefused(write("edge.json", ONE_PROBLEM.replace("[2, 4]", "[2, 9]")),
                "edge.json is malformed: [0].edges[2][1] is 9, which is not a node index (0 to 4");
        assertRefused(write("pair.json", ONE_PROBLEM.replace("[2, 4]", "[2]")), "pair.json is malformed: [0].edges[2] must be a [src, dst] pair");
        assertRefused(write("steps.json", ONE_PROBLEM.replace("\"steps\": [", "\"steps\": [3, ")),
                "steps.json is malformed: [0].steps[0] must be a string, not a number, in the record that starts on line 1.");
        assertRefused(write("extra.json", ONE_PROBLEM.replace("\"root\": 0", "\"root\": 0, \"rooot\": 1")),
                "extra.json is malformed: [0].rooot is not a ProsQA field");
        assertRefused(write("root.json", ONE_PROBLEM.replace("\"root\": 0", "\"root\": \"Tom\"")),
                "root.json is malformed: [0].root is \"Tom\", which is not a node index");
        assertRefused(folder.resolve("absent.json"), "absent.json does not exist");
    }

    @Test
    void aMalformedRecordIsNamedWithTheLineItStartsOn() throws IOException {
        String good = ONE_PROBLEM.strip();
        String record = good.substring(1, good.length() - 1).strip();
        String before = "[\n" + record + ",\n" + record + ",\n";
        Path file = write("lines.json", before + record.replace("\"question\": \"", "\"question\": 5, \"q\": \"") + "\n]\n");
        int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
        assertRefused(file, "lines.json is malformed: [2].q is not a ProsQA field");
        assertRefused(file, ", in the record that starts on line " + line + ".");
    }

    private void assertRefused(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> adapter.read(file));
        String message = e.getMessage();
        assertTrue(message.startsWith("The ProsQA file " + file), message);
        assertTrue(message.contains(expected), message);
        assertTrue(message.endsWith("."), message);
        assertFalse(message.contains("\n"), message);
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(folder.resolve(name), content);
    }
}
