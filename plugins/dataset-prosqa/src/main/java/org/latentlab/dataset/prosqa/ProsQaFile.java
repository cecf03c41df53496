package org.latentlab.dataset.prosqa;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.latentlab.api.data.Example;

/**
 * Reads the published ProsQA format (the Coconut repository's {@code data/prosqa_*.json}): a JSON list of
 * {@code {question, answer, steps[], idx_to_symbol[], edges[[src, dst]], root, target, neg_target}}.
 * Every field is required and no other is accepted; a file that breaks this is refused with one sentence
 * naming the file, the place in it and what is wrong.
 */
final class ProsQaFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final List<String> FIELDS = List.of("question", "answer", "steps", ProsQaGraph.IDX_TO_SYMBOL,
            ProsQaGraph.EDGES, ProsQaGraph.ROOT, ProsQaGraph.TARGET, ProsQaGraph.NEG_TARGET);
    private static final Set<String> KNOWN = Set.copyOf(FIELDS);

    private ProsQaFile() {
    }

    static List<Example> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("The ProsQA file " + file + " does not exist; pass the path of a published prosqa_*.json file.");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("The ProsQA file " + file + " is not a regular file; pass the path of a published prosqa_*.json file.");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new IOException("The ProsQA file " + file + " is not valid JSON"
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                    + ": " + clause(e.getOriginalMessage()) + ".", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IOException("The ProsQA file " + file + " is empty; it must hold a JSON list of problems.");
        }
        if (!root.isArray()) {
            throw new IOException("The ProsQA file " + file + " must hold a JSON list of problems, not " + kind(root) + ".");
        }
        String stem = stem(file);
        List<Example> examples = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            try {
                examples.add(problem(file, stem, i, root.get(i)));
            } catch (Malformed e) {
                throw new IOException("The ProsQA file " + file + " is malformed: " + e.getMessage() + ", in the record that starts on line "
                        + line(file, i) + ".", e);
            }
        }
        return examples;
    }

    private static Example problem(Path file, String stem, int i, JsonNode node) throws IOException {
        String at = "[" + i + "]";
        if (!node.isObject()) {
            throw malformed(file, at, "is " + kind(node) + ", not a problem object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw malformed(file, at + "." + name, "is not a ProsQA field (the fields are " + String.join(", ", FIELDS) + ")");
            }
        }
        String question = text(file, at, node, "question");
        String answer = text(file, at, node, "answer");
        List<String> steps = texts(file, at, node, "steps");
        List<String> symbols = texts(file, at, node, ProsQaGraph.IDX_TO_SYMBOL);
        int nodes = symbols.size();
        JsonNode edgesNode = field(file, at, node, ProsQaGraph.EDGES);
        if (!edgesNode.isArray()) {
            throw malformed(file, at + "." + ProsQaGraph.EDGES, "must be a list of [src, dst] pairs, not " + kind(edgesNode));
        }
        List<List<Integer>> edges = new ArrayList<>(edgesNode.size());
        for (int e = 0; e < edgesNode.size(); e++) {
            JsonNode edge = edgesNode.get(e);
            String edgeAt = at + "." + ProsQaGraph.EDGES + "[" + e + "]";
            if (!edge.isArray() || edge.size() != 2) {
                throw malformed(file, edgeAt, "must be a [src, dst] pair of node indices");
            }
            edges.add(List.of(index(file, edgeAt + "[0]", edge.get(0), nodes), index(file, edgeAt + "[1]", edge.get(1), nodes)));
        }
        int root = index(file, at + "." + ProsQaGraph.ROOT, field(file, at, node, ProsQaGraph.ROOT), nodes);
        int target = index(file, at + "." + ProsQaGraph.TARGET, field(file, at, node, ProsQaGraph.TARGET), nodes);
        int negTarget = index(file, at + "." + ProsQaGraph.NEG_TARGET, field(file, at, node, ProsQaGraph.NEG_TARGET), nodes);
        ProsQaGraph graph = new ProsQaGraph(symbols, edges, root, target, negTarget);
        return new Example(stem + "-" + i, question, steps, answer, graph.extras());
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

    private static int index(Path file, String at, JsonNode value, int nodes) throws IOException {
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0 || value.intValue() >= nodes) {
            throw malformed(file, at, "is " + value + ", which is not a node index (0 to " + (nodes - 1) + " for the "
                    + nodes + " symbols of idx_to_symbol)");
        }
        return value.intValue();
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
            default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Jackson's own wording, on one line, without its "[Source: ...]" locations and without a final full stop. */
    private static String clause(String message) {
        String line = message == null ? "unreadable content" : message.replaceAll("\\s+", " ")
                .replaceAll("\\s*\\([^()]*\\[Source:.*$", "").replaceAll("\\s*\\[Source:.*$", "").replaceAll("`[^`]*`", "").trim();
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private static String stem(Path file) {
        String name = file.getFileName() == null ? "prosqa" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
