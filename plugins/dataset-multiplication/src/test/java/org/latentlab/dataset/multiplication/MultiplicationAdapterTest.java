package org.latentlab.dataset.multiplication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

class MultiplicationAdapterTest {

    @TempDir
    Path folder;

    private final MultiplicationAdapter adapter = new MultiplicationAdapter();

    private Dataset load(int train, int validation, int test, Map<String, Object> options, long seed) throws IOException {
        return adapter.load(new DatasetSpec("multiplication", train, validation, test, options), seed);
    }

    private static List<Example> all(Dataset d) {
        return Stream.of(d.train(), d.validation(), d.test()).flatMap(List::stream).toList();
    }

    private static Set<String> questions(List<Example> examples) {
        return examples.stream().map(Example::question).collect(Collectors.toSet());
    }

    /** A run is repeated from its spec and seed alone, so the same seed must give the same examples. */
    /** The platform checks where the files of exclude lie before anything opens them, so files() names them unopened. */
    @Test
    void theFilesOfExcludeAreNamedWithoutBeingOpened() throws IOException {
        DatasetSpec none = new DatasetSpec("multiplication", 10, 0, 0, Map.of());
        assertEquals(Map.of(), adapter.files(none));
        DatasetSpec one = new DatasetSpec("multiplication", 10, 0, 0, Map.of("exclude", "/no/such/4x4_valid.txt"));
        assertEquals(Map.of("exclude", List.of(Path.of("/no/such/4x4_valid.txt"))), adapter.files(one));
        DatasetSpec two = new DatasetSpec("multiplication", 10, 0, 0, Map.of("exclude", List.of("a.txt", "../b.txt")));
        assertEquals(Map.of("exclude", List.of(Path.of("a.txt"), Path.of("../b.txt"))), adapter.files(two));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> adapter.files(new DatasetSpec("multiplication", 10, 0, 0, Map.of("exclude", 5))));
        assertEquals("The multiplication option 'exclude' must be the path of a published file, or a list of such paths, not '5'.",
                bad.getMessage());
        IllegalArgumentException notAFile = assertThrows(IllegalArgumentException.class,
                () -> adapter.checkOptions(new DatasetSpec("multiplication", 10, 0, 0, Map.of("exclude", folder.toString()))));
        assertTrue(notAFile.getMessage().endsWith(", which is not a file; give the path of a published file such as 4x4_valid.txt."),
                notAFile.getMessage());
        Path broken = Files.writeString(folder.resolve("broken.txt"), "\n\n7 4 * 3 1 without steps\n");
        IllegalArgumentException line = assertThrows(IllegalArgumentException.class,
                () -> adapter.checkOptions(new DatasetSpec("multiplication", 10, 0, 0, Map.of("exclude", broken.toString()))));
        assertEquals("The multiplication file " + broken + " is malformed: line 3 must hold one '||' between the question and the steps.",
                line.getMessage());
    }

    @Test
    void theSameSeedGivesTheSameData() throws IOException {
        Dataset a = load(300, 50, 60, null, 42L);
        assertEquals(a, load(300, 50, 60, null, 42L));
        assertEquals(List.of(300, 50, 60), List.of(a.train().size(), a.validation().size(), a.test().size()));
        assertEquals("train-0", a.train().get(0).id());
        assertEquals("test-59", a.test().get(59).id());
        Dataset larger = load(900, 50, 60, null, 42L);
        assertEquals(a.test(), larger.test(), "the test split does not depend on the training size");
        assertEquals(a.train(), larger.train().subList(0, 300));
    }

    /** Repeats over seeds are independent samples, so different seeds must give different problems. */
    @Test
    void differentSeedsGiveDifferentData() throws IOException {
        Dataset a = load(200, 20, 20, null, 1L);
        Dataset b = load(200, 20, 20, null, 2L);
        assertNotEquals(a.test(), b.test());
        Set<String> shared = questions(a.train());
        shared.retainAll(questions(b.train()));
        assertTrue(shared.isEmpty(), "two seeds share " + shared.size() + " of 200 four-digit problems");
    }

    /** Test accuracy measures generalisation only if no test problem was trained on. */
    @Test
    void noProblemIsInTwoSplits() throws IOException {
        // two digits: 8100 problems, so a careless split would collide often
        Dataset d = load(4000, 500, 500, Map.of("digits", 2), 7L);
        List<String> all = all(d).stream().map(Example::question).toList();
        assertEquals(all.size(), new HashSet<>(all).size(), "a problem appears twice across the splits");
        Set<String> train = questions(d.train());
        d.test().forEach(e -> assertFalse(train.contains(e.question()), e.id()));
        d.validation().forEach(e -> assertFalse(train.contains(e.question()), e.id()));
    }

    /** Generated problems look like the published ones: n digits each, leading digit never 0, steps that solve them. */
    @Test
    void problemsAreNByNAndSolved() throws IOException {
        for (int digits = 1; digits <= 9; digits++) {
            for (Example e : load(digits == 1 ? 81 : 200, 0, 0, Map.of("digits", digits), 3L).train()) {
                String[] operands = e.question().split(" \\* ");
                for (String operand : operands) {
                    String[] words = operand.split(" ");
                    assertEquals(digits, words.length, e.question());
                    assertNotEquals("0", words[words.length - 1], e.question() + ": the leading digit is never 0");
                }
                assertEquals(digits, e.steps().size(), e.question());
                assertEquals(2 * digits, e.answer().split(" ").length, e.question());
                java.math.BigInteger product = new java.math.BigInteger((String) e.extras().get(MultiplicationText.MULTIPLICAND))
                        .multiply(new java.math.BigInteger((String) e.extras().get(MultiplicationText.MULTIPLIER)));
                assertEquals(product.toString(), e.extras().get(MultiplicationText.PRODUCT), e.question());
                assertEquals(product.toString(), new StringBuilder(e.answer().replace(" ", "")).reverse().toString()
                        .replaceFirst("^0+(?=.)", ""), e.question());
            }
        }
        // every least significant digit, 0 included, and every leading digit 1 to 9 turns up
        Set<String> last = new HashSet<>();
        Set<String> leading = new HashSet<>();
        for (Example e : load(2000, 0, 0, null, 5L).train()) {
            last.add(e.question().substring(0, 1));
            leading.add(e.question().substring(6, 7));
        }
        assertEquals(10, last.size());
        assertEquals(9, leading.size());
        assertFalse(leading.contains("0"));
    }

    /**
     * The study trains on generated data and evaluates on a published file: every problem of a file named in
     * {@code exclude} stays out of every split. With one digit (81 problems) and 40 of them excluded, asking for all
     * 41 others gives exactly those; asking for one more is refused.
     */
    @Test
    void excludedProblemsNeverAppear() throws IOException {
        List<Example> every = new ArrayList<>();
        for (int a = 1; a <= 9; a++) {
            for (int b = 1; b <= 9; b++) {
                every.add(MultiplicationText.example("x", new int[] {a}, new int[] {b}));
            }
        }
        List<Example> excluded = new ArrayList<>();
        for (int i = 0; i < every.size(); i += 2) {
            excluded.add(every.get(i));
        }
        Path first = write("first.txt", excluded.subList(0, 20));
        Path second = write("second.txt", excluded.subList(20, excluded.size()));
        Set<String> held = questions(excluded);
        assertEquals(41, held.size());
        Dataset d = load(21, 10, 9, Map.of("digits", 1, "exclude", List.of(first.toString(), second.toString())), 11L);
        Set<String> drawn = questions(all(d));
        assertEquals(40, drawn.size());
        for (String question : drawn) {
            assertFalse(held.contains(question), question + " is excluded but was generated");
        }
        Set<String> expected = questions(every);
        expected.removeAll(held);
        assertEquals(expected, drawn);

        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> load(22, 10, 9, Map.of("digits", 1, "exclude", List.of(first.toString(), second.toString())), 11L));
        assertEquals("The multiplication dataset has only 40 distinct problems of 1 by 1 digits outside the excluded files, "
                + "not the 41 the spec asks for; ask for fewer examples or more digits.", tooMany.getMessage());

        // one path as a plain string, and problems of another size in the file are simply not drawn anyway
        Path mixed = write("mixed.txt", List.of(every.get(0),
                MultiplicationText.example("x", new int[] {5, 6, 3, 2}, new int[] {7, 4, 3, 4})));
        Dataset one = load(80, 0, 0, Map.of("digits", 1, "exclude", mixed.toString()), 3L);
        assertFalse(questions(one.train()).contains(every.get(0).question()));
    }

    /** A bad option is refused before the run starts, with one sentence naming it. */
    @Test
    void unknownOrBadOptionsAreRefused() throws IOException {
        assertEquals("The multiplication dataset has no option 'size'; it accepts digits, exclude.",
                refused(Map.of("size", 4)));
        assertEquals("The multiplication option 'digits' is 10; it must be between 1 and 9.", refused(Map.of("digits", 10)));
        assertEquals("The multiplication option 'digits' is 0; it must be between 1 and 9.", refused(Map.of("digits", 0)));
        assertEquals("The multiplication option 'digits' must be a whole number of digits, not '4.5'.",
                refused(Map.of("digits", 4.5)));
        assertEquals("The multiplication option 'exclude' must be the path of a published file, or a list of such paths, "
                + "not '3'.", refused(Map.of("exclude", 3)));
        Path absent = folder.resolve("absent.txt");
        assertEquals("The multiplication option 'exclude' names " + absent + ", which is not a file; give the path of a "
                + "published file such as 4x4_valid.txt.", refused(Map.of("exclude", absent.toString())));
        assertEquals("The multiplication dataset has only 81 distinct problems of 1 by 1 digits, not the 90 the spec asks "
                + "for; ask for fewer examples or more digits.",
                assertThrows(IllegalArgumentException.class, () -> adapter.checkOptions(
                        new DatasetSpec("multiplication", 70, 10, 10, Map.of("digits", 1)))).getMessage());
        assertEquals("The multiplication dataset cannot make -1 validation examples; give a size of 0 or more.",
                assertThrows(IllegalArgumentException.class, () -> load(1, -1, 1, null, 1L)).getMessage());

        Path malformed = Files.writeString(folder.resolve("bad.txt"), "1 * 2||2 #### 3 0\n");
        IOException badExclude = assertThrows(IOException.class, () -> load(1, 1, 1, Map.of("exclude", malformed.toString()), 1L));
        assertTrue(badExclude.getMessage().contains("bad.txt is malformed: line 1 has the answer 3, but 1 * 2 is 2."),
                badExclude.getMessage());

        assertEquals(4, load(3, 0, 0, Map.of(), 1L).train().get(0).steps().size(), "four digits by default");
        assertEquals(6, load(3, 0, 0, Map.of("digits", "6"), 1L).train().get(0).steps().size());
        assertTrue(all(load(0, 0, 0, Map.of(), 1L)).isEmpty());
    }

    private String refused(Map<String, Object> options) {
        DatasetSpec spec = new DatasetSpec("multiplication", 1, 1, 1, options);
        String checked = assertThrows(IllegalArgumentException.class, () -> adapter.checkOptions(spec)).getMessage();
        assertEquals(checked, assertThrows(IllegalArgumentException.class, () -> adapter.load(spec, 1L)).getMessage());
        return checked;
    }

    private Path write(String name, List<Example> examples) throws IOException {
        return Files.writeString(folder.resolve(name),
                examples.stream().map(MultiplicationFileTest::line).collect(Collectors.joining("\n", "", "\n")));
    }
}
