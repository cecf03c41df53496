package org.latentlab.dataset.prontoqa;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.latentlab.api.data.Example;

/**
 * The ProntoQA file format, the one Coconut's preprocessing writes ({@code prontoqa_*.json}): a JSON list of
 * {@code {question, steps[], answer}}, the question ending with its query ("True or false: Stella is not
 * floral.") and the answer "True" or "False". Every field is required and no other is accepted; a file that
 * breaks this is refused with one sentence naming the file, the place in it and what is wrong. The chain of
 * {@link Example#extras()} is read back from the query and the steps.
 */
final class ProntoQaFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final List<String> FIELDS = List.of("question", "steps", "answer");
    private static final Set<String> KNOWN = Set.copyOf(FIELDS);
    private static final List<String> ANSWERS = List.of("True", "False");

    private ProntoQaFile() {
    }

    static List<Example> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("The ProntoQA file " + file + " does not exist; pass the path of a prontoqa_*.json file.");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("The ProntoQA file " + file + " is not a regular file; pass the path of a prontoqa_*.json file.");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new IOException("The ProntoQA file " + file + " is not valid JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                    + ": " + clause(e.getOriginalMessage()) + ".", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IOException("The ProntoQA file " + file + " is empty; it must hold a JSON list of problems.");
        }
        if (!root.isArray()) {
            throw new IOException("The ProntoQA file " + file + " must hold a JSON list of problems, not " + kind(root) + ".");
        }
        String stem = stem(file);
        List<Example> examples = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            try {
                examples.add(problem(file, stem, i, root.get(i)));
            } catch (Malformed e) {
                throw new IOException("The ProntoQA file " + file + " is malformed: " + e.getMessage() + ", in the record that starts on line "
                        + line(file, i) + ".", e);
            }
        }
        return examples;
    }

    /** Writes problems in the same format: what {@link #read} reads back, less the ids and the extras it derives. */
    static void write(Path file, List<Example> examples) throws IOException {
        List<Map<String, Object>> problems = new ArrayList<>(examples.size());
        for (Example example : examples) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("question", example.question());
            problem.put("steps", example.steps());
            problem.put("answer", example.answer());
            problems.add(problem);
        }
        JSON.writeValue(file.toFile(), problems);
    }

    private static Example problem(Path file, String stem, int i, JsonNode node) throws IOException {
        String at = "[" + i + "]";
        if (!node.isObject()) {
            throw malformed(file, at, "is " + kind(node) + ", not a problem object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw malformed(file, at + "." + name, "is not a ProntoQA field (the fields are " + String.join(", ", FIELDS) + ")");
            }
        }
        String question = text(file, at, node, "question");
        List<String> steps = texts(file, at, node, "steps");
        String answer = text(file, at, node, "answer");
        if (!ANSWERS.contains(answer)) {
            throw malformed(file, at + ".answer", "is \"" + answer + "\", not True or False");
        }
        Optional<DeductionChain> chain = ProntoQaText.chain(question, steps);
        if (chain.isEmpty()) {
            throw malformed(file, at + ".question", "does not end with a query of the form '" + ProntoQaText.QUERY
                    + "<entity> is [not] <property>.'");
        }
        return new Example(stem + "-" + i, question, steps, answer, chain.get().extras());
    }

    private static JsonNode field(Path file, String at, JsonNode node, String name) throws IOException {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw malformed(file, at, "has no '" + name + "' (every problem needs " + String.join(", ", FIELDS) + ")");
        }
        return value;
    }

    private static String text(Path file, String at, JsonNode node, String name) throws IOException {
        JsonNode value = field(file, at, node, name);
        if (!value.isTextual()) {
            throw malformed(file, at + "." + name, "must be a string, not " + kind(value));
        }
        return value.textValue();
    }

    private static List<String> texts(Path file, String at, JsonNode node, String name) throws IOException {
        JsonNode value = field(file, at, node, name);
        if (!value.isArray()) {
            throw malformed(file, at + "." + name, "must be a list of strings, not " + kind(value));
        }
        List<String> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw malformed(file, at + "." + name + "[" + i + "]", "must be a string, not " + kind(value.get(i)));
            }
            out.add(value.get(i).textValue());
        }
        return out;
    }

    /** What is wrong with one record, without the file and the line, which {@link #read} adds. */
    private static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String detail) {
            super(detail);
        }
    }

    private static IOException malformed(Path file, String at, String problem) {
        return new Malformed(at + " " + problem);
    }

    /** The line on which the file's record {@code index} (from 0) starts, read again only when that record is malformed. */
    private static int line(Path file, int index) throws IOException {
        try (InputStream in = Files.newInputStream(file); JsonParser parser = JSON.getFactory().createParser(in)) {
            parser.nextToken();
            for (int i = 0; parser.nextToken() != null && parser.currentToken() != JsonToken.END_ARRAY; i++) {
                if (i == index) {
                    return parser.currentTokenLocation().getLineNr();
                }
                parser.skipChildren();
            }
        }
        return -1;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** Jackson's own wording, on one line, without its "[Source: ...]" locations and without a final full stop. */
    private static String clause(String message) {
        String line = message == null ? "unreadable content" : message.replaceAll("\\s+", " ")
                .replaceAll("\\s*\\([^()]*\\[Source:.*$", "").replaceAll("\\s*\\[Source:.*$", "").replaceAll("`[^`]*`", "").trim();
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static String stem(Path file) {
        String name = file.getFileName() == null ? "prontoqa" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
