package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;
import org.osgi.test.common.annotation.InjectService;

/**
 * One row per malformed spec: each is a mutation of a valid tiny spec, sent to parse, validate or submit, and must be
 * answered with one clear sentence (the rules of {@link BadSpecTest#refused}) that contains the row's words, with no
 * run folder created, nothing written in the data root or beside the run store, and the orchestrator still answering.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MalformedSpecTest {

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    enum Call { PARSE, VALIDATE, SUBMIT }

    record Row(String kind, String spec, Call call, String answer) {
    }

    /** A valid tiny ProsQA spec; every row changes one thing in it. */
    static final String VALID = """
            {"name": "itest-malformed", "seed": 1,
             "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
             "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
             "method": {"name": "cot"},
             "training": {"epochs": 1, "batchSize": 8, "learningRate": 0.003, "logEvery": 1},
             "evaluation": {"maxNewTokens": 40, "files": []}}
            """;

    /** The same with the multiplication dataset, whose option exclude names files. */
    static final String MULTIPLICATION = VALID.replace("\"name\": \"prosqa\"", "\"name\": \"multiplication\"")
            .replace("\"test\": 4}", "\"test\": 4, \"options\": {\"digits\": 2}}");

    private Path data;

    @BeforeEach
    void dataRoot() throws Exception {
        TinyExperiment.componentsWhen(experiments, list -> TinyExperiment.has(list, ComponentKind.DATASET, "prosqa")
                && TinyExperiment.has(list, ComponentKind.DATASET, "multiplication")
                && TinyExperiment.has(list, ComponentKind.LOSS, "trajectory")
                && TinyExperiment.has(list, ComponentKind.BACKBONE, "gpt"), "datasets prosqa and multiplication, loss trajectory");
        String roots = System.getProperty("latentlab.dataRoots");
        assertNotNull(roots, "test.bndrun sets latentlab.dataRoots in -runproperties");
        data = Files.createDirectories(Path.of(roots));
        Files.createDirectories(data.resolve("a-folder"));
        Files.writeString(data.resolve("broken.json"), "[\n  {\"question\": 3, \"answer\": \"x\"}\n]\n");
        Files.writeString(data.resolve("not-json.json"), "[{\"question\": \"Is Tom a\n");
        Files.writeString(data.resolve("bad.txt"), "\n7 4 * 3 1 without steps\n");
        Path link = data.resolve("link-to-etc");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, Path.of("/etc"));
        }
    }

    static String with(String spec, String from, String to) {
        if (!spec.contains(from)) {
            throw new IllegalArgumentException("the row's mutation does not apply: " + from);
        }
        return spec.replace(from, to);
    }

    private String evaluating(String path) {
        return with(VALID, "\"files\": []", "\"files\": [{\"name\": \"valid\", \"path\": \"" + path + "\"}]");
    }

    private static String excluding(String path) {
        return with(MULTIPLICATION, "{\"digits\": 2}", "{\"digits\": 2, \"exclude\": \"" + path + "\"}");
    }

    private List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // wrong JSON types
        rows.add(new Row("wrong type", with(VALID, "\"train\": 16", "\"train\": \"16\""), Call.PARSE, "'dataset.train' must be a whole number"));
        rows.add(new Row("wrong type", with(VALID, "\"epochs\": 1", "\"epochs\": \"one\""), Call.PARSE, "'training.epochs' must be a whole number"));
        rows.add(new Row("wrong type", with(VALID, "0.003", "\"fast\""), Call.PARSE, "'training.learningRate' must be a number"));
        rows.add(new Row("wrong type", with(VALID, "\"itest-malformed\"", "5"), Call.PARSE, "'name' must be a string"));
        rows.add(new Row("wrong type", with(VALID, "{\"name\": \"cot\"}", "{\"name\": 7}"), Call.PARSE, "'method.name' must be a string"));
        rows.add(new Row("wrong type", with(VALID, "\"files\": []", "\"files\": {}"), Call.PARSE, "'evaluation.files' must be a list"));
        rows.add(new Row("wrong type", with(VALID, "\"method\":", "\"losses\": {\"name\": \"language\"}, \"method\":"), Call.PARSE,
                "'losses' must be a list"));
        rows.add(new Row("wrong type", with(VALID, "{\"name\": \"cot\"}", "\"cot\""), Call.PARSE, "'method' must be"));
        rows.add(new Row("wrong type", with(VALID, "{\"name\": \"cot\"}", "{\"name\": \"cot\", \"options\": []}"), Call.PARSE,
                "'method.options' must be a JSON object"));
        rows.add(new Row("wrong type", with(VALID, "\"seed\": 1", "\"seed\": true"), Call.PARSE, "'seed' must be a whole number"));
        rows.add(new Row("wrong type", with(VALID, "\"batchSize\": 8", "\"batchSize\": 1e9"), Call.PARSE, "'training.batchSize' must be a whole number"));
        rows.add(new Row("wrong type", with(VALID, "\"train\": 16", "\"train\": 99999999999"), Call.PARSE, "'dataset.train' holds 99999999999"));
        // not JSON at all, or truncated
        rows.add(new Row("not JSON", "train a cot model on prosqa please", Call.PARSE, "not valid JSON"));
        rows.add(new Row("not JSON", VALID.substring(0, VALID.length() / 2), Call.PARSE, "not valid JSON"));
        rows.add(new Row("not JSON", VALID.strip() + "}", Call.PARSE, "Unexpected close marker '}': expected ']'."));
        rows.add(new Row("not JSON", with(VALID, "0.003", "NaN"), Call.PARSE, "'NaN', which JSON does not allow; write a finite number."));
        rows.add(new Row("not JSON", "[1, 2]", Call.PARSE, "must be one JSON object"));
        // negative and zero sizes
        rows.add(new Row("negative size", with(VALID, "\"train\": 16", "\"train\": -5"), Call.VALIDATE, "dataset.train must be positive, not -5"));
        rows.add(new Row("negative size", with(VALID, "\"batchSize\": 8", "\"batchSize\": -1"), Call.SUBMIT, "training.batchSize must be positive"));
        rows.add(new Row("negative size", with(VALID, "\"dModel\": 32", "\"dModel\": -32"), Call.VALIDATE, "backbone.dModel must be positive"));
        rows.add(new Row("negative size", with(VALID, "\"test\": 4", "\"test\": -4"), Call.VALIDATE, "dataset.test must not be negative"));
        rows.add(new Row("negative size", with(VALID, "\"maxNewTokens\": 40", "\"maxNewTokens\": -1"), Call.VALIDATE,
                "evaluation.maxNewTokens must be positive"));
        rows.add(new Row("zero size", with(VALID, "\"train\": 16", "\"train\": 0"), Call.VALIDATE, "dataset.train must be positive, not 0"));
        rows.add(new Row("zero size", with(VALID, "\"layers\": 1", "\"layers\": 0"), Call.SUBMIT, "backbone.layers must be positive"));
        rows.add(new Row("zero size", with(VALID, "\"heads\": 2", "\"heads\": 0"), Call.VALIDATE, "backbone.heads must be positive"));
        rows.add(new Row("zero size", with(VALID, "\"epochs\": 1", "\"epochs\": 0"), Call.VALIDATE, "training.epochs must be positive"));
        // huge sizes
        rows.add(new Row("huge size", with(VALID, "\"dModel\": 32", "\"dModel\": 1000000"), Call.SUBMIT, "backbone.dModel is 1000000"));
        rows.add(new Row("huge size", with(VALID, "\"layers\": 1", "\"layers\": 100000"), Call.SUBMIT, "backbone.layers is 100000"));
        rows.add(new Row("huge size", with(with(VALID, "\"dModel\": 32", "\"dModel\": 32768"), "\"layers\": 1", "\"layers\": 200"),
                Call.SUBMIT, "GiB of memory of this machine"));
        rows.add(new Row("huge size", with(VALID, "\"maxPositions\": 512", "\"maxPositions\": 10000000"), Call.VALIDATE,
                "backbone.maxPositions is 10000000"));
        rows.add(new Row("huge size", with(VALID, "\"train\": 16", "\"train\": 2000000000"), Call.SUBMIT, "2000000004 examples"));
        rows.add(new Row("huge size", with(VALID, "\"batchSize\": 8", "\"batchSize\": 1000000000"), Call.SUBMIT,
                "training.batchSize is 1000000000"));
        rows.add(new Row("huge size", with(VALID, "\"maxNewTokens\": 40", "\"maxNewTokens\": 1000000"), Call.VALIDATE,
                "evaluation.maxNewTokens is 1000000"));
        // learning rates
        rows.add(new Row("learning rate", with(VALID, "0.003", "1e999"), Call.VALIDATE, "not Infinity"));
        rows.add(new Row("learning rate", with(VALID, "0.003", "1000"), Call.SUBMIT, "above the largest sensible rate"));
        rows.add(new Row("learning rate", with(VALID, "0.003", "-0.003"), Call.VALIDATE, "training.learningRate must be a positive number"));
        rows.add(new Row("learning rate", with(VALID, "0.003", "0"), Call.VALIDATE, "training.learningRate must be a positive number"));
        rows.add(new Row("learning rate", with(VALID, "\"files\": []}", "\"files\": []}, \"grpo\": {\"learningRate\": 1e999}"), Call.VALIDATE,
                "grpo.learningRate must be a positive number"));
        // unknown fields at several depths
        rows.add(new Row("unknown field", with(VALID, "\"seed\": 1", "\"seeds\": 1"), Call.PARSE, "unknown field 'seeds'"));
        rows.add(new Row("unknown field", with(VALID, "\"epochs\": 1", "\"epoch\": 1"), Call.PARSE, "unknown field 'training.epoch'"));
        rows.add(new Row("unknown field", with(VALID, "\"dModel\": 32", "\"dmodel\": 32"), Call.PARSE, "unknown field 'backbone.dmodel'"));
        rows.add(new Row("unknown field", with(VALID, "\"train\": 16", "\"trian\": 16"), Call.PARSE, "unknown field 'dataset.trian'"));
        rows.add(new Row("unknown field", with(VALID, "\"files\": []", "\"files\": [{\"name\": \"v\", \"paht\": \"v.json\"}]"), Call.PARSE,
                "unknown field 'evaluation.files[0].paht'"));
        rows.add(new Row("unknown field", with(VALID, "\"files\": []}", "\"files\": []}, \"grpo\": {\"groupsize\": 4}"), Call.PARSE,
                "unknown field 'grpo.groupsize'"));
        // unknown components of each kind
        rows.add(new Row("unknown component", with(VALID, "\"cot\"", "\"coconat\""), Call.SUBMIT, "Unknown method 'coconat'"));
        rows.add(new Row("unknown component", with(VALID, "\"method\":", "\"losses\": [{\"name\": \"langauge\"}], \"method\":"),
                Call.VALIDATE, "Unknown loss 'langauge'"));
        rows.add(new Row("unknown component", with(VALID, "\"prosqa\"", "\"prosqb\""), Call.SUBMIT, "Unknown dataset 'prosqb'"));
        rows.add(new Row("unknown component", with(VALID, "\"method\":", "\"probes\": [{\"name\": \"logit-lenz\"}], \"method\":"),
                Call.VALIDATE, "Unknown probe 'logit-lenz'"));
        rows.add(new Row("unknown component", with(VALID, "\"backbone\": {", "\"backbone\": {\"name\": \"gtp\", "), Call.VALIDATE,
                "Unknown backbone 'gtp'"));
        rows.add(new Row("unknown component", with(VALID, "\"files\": []}", "\"files\": []}, \"grpo\": {\"reward\": {\"name\": \"exact-answr\"}}"),
                Call.SUBMIT, "Unknown reward 'exact-answr'"));
        rows.add(new Row("unknown component", with(VALID, "\"cot\"", "\"cot@[2.0,3.0)\""), Call.VALIDATE, "No method 'cot' in version range"));
        // a method and a loss or reward that do not fit together
        rows.add(new Row("incompatible", with(VALID, "\"method\":", "\"losses\": [{\"name\": \"trajectory\"}], \"method\":"), Call.SUBMIT,
                "The loss 'trajectory' needs"));
        rows.add(new Row("incompatible", with(VALID, "\"files\": []", "\"files\": [], \"reward\": {\"name\": \"exact-answer\"}"), Call.VALIDATE,
                "does not provide TEST_TIME_SEARCH"));
        // unknown or bad options of a component
        rows.add(new Row("unknown option", with(VALID, "{\"name\": \"cot\"}", "{\"name\": \"cot\", \"options\": {\"thoughts\": 2}}"),
                Call.VALIDATE, "The method 'cot' has no option 'thoughts'"));
        rows.add(new Row("unknown option", with(VALID, "\"test\": 4}", "\"test\": 4, \"options\": {\"hops\": 3}}"), Call.SUBMIT,
                "The prosqa dataset has no option 'hops'"));
        rows.add(new Row("unknown option", with(VALID, "\"method\":", "\"losses\": [{\"name\": \"language\", \"options\": {\"smoothing\": 0.1}}], \"method\":"),
                Call.VALIDATE, "The loss 'language' has no option 'smoothing'"));
        rows.add(new Row("unknown option", with(MULTIPLICATION, "{\"digits\": 2}", "{\"digits\": 20}"), Call.VALIDATE,
                "The multiplication option 'digits' is 20"));
        rows.add(new Row("unknown option", with(VALID, "\"test\": 4}", "\"test\": 4, \"options\": {\"minHops\": \"three\"}}"), Call.VALIDATE,
                "'minHops' must be a whole number"));
        // files outside the allowed data roots, traversal, links, folders
        rows.add(new Row("outside data roots", evaluating("/etc/passwd"), Call.PARSE, "The evaluation file 'valid' at /etc/passwd is outside the allowed data roots"));
        rows.add(new Row("outside data roots", evaluating("../../../../../../../../../../etc/passwd"), Call.PARSE, "at /etc/passwd is outside"));
        rows.add(new Row("outside data roots", evaluating("a-folder/../../outside.json"), Call.PARSE, "outside.json is outside the allowed data roots"));
        rows.add(new Row("outside data roots", evaluating("link-to-etc/passwd"), Call.PARSE, "at /etc/passwd is outside"));
        rows.add(new Row("outside data roots", excluding("/etc/passwd"), Call.SUBMIT,
                "The file of the multiplication option 'exclude' at /etc/passwd is outside the allowed data roots"));
        rows.add(new Row("outside data roots", excluding(data.resolve("../../../../../../../../../../etc/hostname").toString()), Call.VALIDATE,
                "at /etc/hostname is outside"));
        rows.add(new Row("outside data roots", excluding(data.resolve("link-to-etc/hostname").toString()), Call.VALIDATE, "at /etc/hostname is outside"));
        rows.add(new Row("folder, not file", evaluating("a-folder"), Call.VALIDATE, "is a folder, not a file"));
        rows.add(new Row("folder, not file", excluding(data.resolve("a-folder").toString()), Call.SUBMIT, "which is not a file"));
        rows.add(new Row("missing file", evaluating("no-such-file.json"), Call.SUBMIT, "does not exist at"));
        // malformed dataset files: the answer names the file and the line
        rows.add(new Row("malformed data", evaluating("broken.json"), Call.VALIDATE, "broken.json is malformed: [0].question must be a string"));
        rows.add(new Row("malformed data", evaluating("broken.json"), Call.SUBMIT, "in the record that starts on line 2"));
        rows.add(new Row("malformed data", evaluating("not-json.json"), Call.VALIDATE, "not-json.json is not valid JSON (line 1"));
        rows.add(new Row("malformed data", with(MULTIPLICATION, "\"files\": []", "\"files\": [{\"name\": \"valid\", \"path\": \"bad.txt\"}]"),
                Call.SUBMIT, "bad.txt is malformed: line 2"));
        rows.add(new Row("malformed data", excluding(data.resolve("bad.txt").toString()), Call.VALIDATE, "bad.txt is malformed: line 2"));
        // a name that tries to leave the run store
        rows.add(new Row("escaping name", with(VALID, "\"itest-malformed\"", "\"../../etc/x\""), Call.SUBMIT, "The spec's name '../../etc/x' contains '/'"));
        rows.add(new Row("escaping name", with(VALID, "\"itest-malformed\"", "\"..\\\\..\\\\x\""), Call.SUBMIT, "contains '\\'"));
        rows.add(new Row("escaping name", with(VALID, "\"itest-malformed\"", "\"..\""), Call.VALIDATE, "contains '..'"));
        return rows;
    }

    @Test
    void everyMalformedSpecIsAnsweredWithOneClearSentence() throws Exception {
        ExperimentSpec valid = experiments.parse(VALID, data);
        experiments.validate(valid);
        experiments.validate(experiments.parse(MULTIPLICATION, data));
        List<Row> rows = rows();
        List<String> crashes = new ArrayList<>();
        Map<String, Integer> kinds = new TreeMap<>();
        int clear = 0;
        for (Row row : rows) {
            kinds.merge(row.kind(), 1, Integer::sum);
            Map<Path, String> dataBefore = tree(data);
            List<Path> runsBefore = list(TinyExperiment.runsRoot());
            List<Path> besideBefore = list(TinyExperiment.runsRoot().toAbsolutePath().getParent());
            try {
                SpecException e = BadSpecTest.refused(() -> call(row));
                if (!e.getMessage().contains(row.answer())) {
                    throw new AssertionError("the answer lacks '" + row.answer() + "': " + e.getMessage());
                }
                if (e.getMessage().matches("(?s).*(`|\\[Source|Feature\\b|\\w+Feature\\.).*")) {
                    throw new AssertionError("the answer names parser internals: " + e.getMessage());
                }
                assertEquals(runsBefore, list(TinyExperiment.runsRoot()), "no run folder was created");
                assertEquals(besideBefore, list(TinyExperiment.runsRoot().toAbsolutePath().getParent()), "nothing was written beside the run store");
                assertEquals(dataBefore, tree(data), "nothing was written in the data root");
                assertFalse(experiments.components().isEmpty(), "the orchestrator still answers");
                experiments.runs();
                clear++;
                System.out.println("answered [" + row.kind() + ", " + row.call() + "]: " + e.getMessage());
            } catch (Throwable t) {
                crashes.add("[" + row.kind() + ", " + row.call() + "] " + row.spec().replaceAll("\\s+", " ") + "\n    -> " + t);
            }
        }
        experiments.validate(valid);
        String summary = "bad input: tried " + rows.size() + ", answered clearly " + clear + ", crashed " + crashes.size();
        System.out.println("rows by kind: " + kinds);
        System.out.println(summary);
        crashes.forEach(c -> System.out.println("crashed " + c));
        assertEquals("bad input: tried " + rows.size() + ", answered clearly " + rows.size() + ", crashed 0", summary,
                () -> String.join("\n", crashes));
    }

    private void call(Row row) {
        switch (row.call()) {
            case PARSE -> experiments.parse(row.spec(), data);
            case VALIDATE -> experiments.validate(experiments.parse(row.spec(), data));
            case SUBMIT -> experiments.submit(experiments.parse(row.spec(), data));
        }
    }

    /** Every path under {@code root} (links not followed) with its size and modification time. */
    private static Map<Path, String> tree(Path root) throws Exception {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                out.put(root.relativize(p), a.size() + " " + a.lastModifiedTime());
            }
        }
        return out;
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> all = Files.list(folder)) {
            return all.sorted().toList();
        }
    }
}
