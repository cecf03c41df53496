package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;
import org.junit.jupiter.api.Test;

class SpecReaderTest {

    private final SpecReader reader = new SpecReader();

    @Test
    void readsAFullSpecAndFillsDefaults() {
        ExperimentSpec spec = reader.read("""
                {"name": "cot-prosqa", "dataset": {"name": "prosqa", "train": 64},
                 "method": {"name": "cot"}, "training": {"batchSize": 8}}
                """, Path.of("/specs"));
        assertEquals("cot", spec.method().name());
        assertEquals(64, spec.dataset().train());
        assertEquals(8, spec.training().batchSize());
        assertEquals(1, spec.training().epochs(), "absent fields take their defaults");
        assertEquals("language", spec.losses().get(0).name(), "the language loss is the default");
        assertEquals("gpt", spec.backbone().name());
    }

    @Test
    void aGrpoSectionIsReadWithItsDefaultsAndNoSectionMeansNoPolicyOptimization() {
        ExperimentSpec spec = reader.read("""
                {"dataset": {"name": "mnns"}, "method": {"name": "cot2"},
                 "grpo": {"groupSize": 6, "klWeight": 0.04, "reward": {"name": "exact-answer"}}}
                """, null);
        assertEquals(6, spec.grpo().groupSize());
        assertEquals(0.04, spec.grpo().klWeight());
        assertEquals(0.2, spec.grpo().clip(), "the clip range takes its default");
        assertEquals("exact-answer", spec.grpo().reward().name());
        assertEquals(null, reader.read("{\"dataset\": {\"name\": \"mnns\"}, \"method\": {\"name\": \"cot\"}}", null).grpo());
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "mnns"}, "method": {"name": "cot2"}, "grpo": {"group": 6}}
                """, null));
        assertTrue(e.getMessage().contains("'grpo.group'") && e.getMessage().contains("groupSize"), e.getMessage());
    }

    @Test
    void aFileMayHoldAGridOfSpecsAndAnErrorNamesTheSpecItIsIn() {
        List<ExperimentSpec> grid = reader.readAll("""
                [{"name": "a", "dataset": {"name": "prosqa"}, "method": {"name": "cot"},
                  "evaluation": {"files": [{"name": "valid", "path": "data/valid.json"}]}},
                 {"name": "b", "dataset": {"name": "prosqa"}, "method": {"name": "coconut"}}]
                """, Path.of("/specs"));
        assertEquals(List.of("a", "b"), grid.stream().map(ExperimentSpec::name).toList());
        assertEquals(Path.of("/specs/data/valid.json").toString(), grid.get(0).evaluation().files().get(0).path());
        assertEquals(1, reader.readAll("{\"dataset\": {\"name\": \"prosqa\"}, \"method\": {\"name\": \"cot\"}}", null).size());
        SpecException e = assertThrows(SpecException.class, () -> reader.readAll("""
                [{"name": "a", "dataset": {"name": "prosqa"}, "method": {"name": "cot"}},
                 {"name": "b", "dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "training": {"epoch": 2}}]
                """, null));
        assertTrue(e.getMessage().startsWith("spec 2 ('b'): The spec has an unknown field 'training.epoch'"), e.getMessage());
        assertThrows(SpecException.class, () -> reader.readAll("[]", null));
    }

    @Test
    void aTypoInAFieldNamesTheFieldAndListsTheAllowedOnes() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "training": {"batchsize": 8}}
                """, null));
        assertTrue(e.getMessage().contains("'training.batchsize'"), e.getMessage());
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        assertEquals(1, e.getMessage().split("\\. ").length, "one sentence: " + e.getMessage());
    }

    @Test
    void aWrongTypeNamesTheFieldAndTheExpectedType() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "prosqa", "train": "many"}, "method": {"name": "cot"}}
                """, null));
        assertEquals("The spec's field 'dataset.train' must be a whole number; fix its value.", e.getMessage());
    }

    @Test
    void aFractionWhereAWholeNumberIsExpectedIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "training": {"epochs": 1.5}}
                """, null));
        assertTrue(e.getMessage().contains("'training.epochs'"), e.getMessage());
    }

    @Test
    void brokenJsonSaysWhere() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("{\"dataset\": {\"name\": \"prosqa\",}", null));
        assertTrue(e.getMessage().startsWith("The spec is not valid JSON (line 1, column"), e.getMessage());
    }

    @Test
    void aListIndexAppearsInThePath() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "losses": [{"name": "language", "wieght": 2}]}
                """, null));
        assertTrue(e.getMessage().contains("'losses[0].wieght'"), e.getMessage());
    }

    @Test
    void relativeEvaluationFilesResolveAgainstTheSpecFolder() {
        reader.dataRoots(DataRoots.of(List.of(Path.of("/experiments"))));
        ExperimentSpec spec = reader.read("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"},
                 "evaluation": {"files": [{"name": "valid", "path": "../data/valid.json", "optional": true}]}}
                """, Path.of("/experiments/specs"));
        assertEquals(Path.of("/experiments/data/valid.json").toString(), spec.evaluation().files().get(0).path());
        assertTrue(spec.evaluation().files().get(0).optional());
    }

    @Test
    void aDuplicateKeyIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> reader.read("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot"}, "method": {"name": "nocot"}}
                """, null));
        assertTrue(e.getMessage().contains("method"), e.getMessage());
    }

    private static final String VALID = """
            {"name": "x", "dataset": {"name": "prosqa", "train": 16}, "method": {"name": "cot"},
             "backbone": {"dModel": 32}, "training": {"batchSize": 8, "learningRate": 0.001},
             "evaluation": {"maxNewTokens": 8, "files": []}}
            """;

    private SpecException refused(String json) {
        SpecException e = assertThrows(SpecException.class, () -> reader.read(json, Path.of("/specs")));
        String message = e.getMessage();
        assertTrue(message.endsWith(".") && !message.contains("\n") && !message.contains(". "), "one sentence: " + message);
        assertTrue(!message.matches("(?s).*(Exception|com\\.fasterxml|(?<!etc/)org\\.latentlab).*"), "no Java internals: " + message);
        return e;
    }

    @Test
    void aWrongTypeIsNamedWithItsPathAndTheTypeExpected() {
        reader.read(VALID, Path.of("/specs"));
        assertEquals("The spec's field 'dataset.train' must be a whole number; fix its value.",
                refused(VALID.replace("\"train\": 16", "\"train\": \"16\"")).getMessage());
        assertEquals("The spec's field 'training.learningRate' must be a number; fix its value.",
                refused(VALID.replace("0.001", "\"fast\"")).getMessage());
        assertEquals("The spec's field 'name' must be a string; fix its value.",
                refused(VALID.replace("\"name\": \"x\"", "\"name\": 5")).getMessage());
        assertEquals("The spec's field 'method.name' must be a string; fix its value.",
                refused(VALID.replace("\"cot\"", "true")).getMessage());
        assertEquals("The spec's field 'evaluation.files' must be a list; fix its value.",
                refused(VALID.replace("\"files\": []", "\"files\": {}")).getMessage());
        assertEquals("The spec's field 'training.batchSize' must be a whole number; fix its value.",
                refused(VALID.replace("\"batchSize\": 8", "\"batchSize\": 1e9")).getMessage());
        assertTrue(refused(VALID.replace("{\"name\": \"cot\"}", "\"cot\"")).getMessage().startsWith("The spec's field 'method' must be"));
    }

    @Test
    void aNumberTooLargeForItsFieldIsNamed() {
        assertEquals("The spec's field 'dataset.train' holds 99999999999, which is out of range for a whole number (at most "
                + "2147483647, line 1); give a smaller value.", refused(VALID.replace("\"train\": 16", "\"train\": 99999999999")).getMessage());
    }

    @Test
    void anEvaluationFileOutsideTheDataRootsIsRefusedWhenRead() {
        reader.dataRoots(DataRoots.of(List.of(Path.of("/specs/data"))));
        reader.read(VALID.replace("\"files\": []", "\"files\": [{\"name\": \"v\", \"path\": \"data/v.json\"}]"), Path.of("/specs"));
        assertEquals("The evaluation file 'v' at /etc/passwd is outside the allowed data roots (/specs/data); move it under one of them"
                + " or add its folder to dataRoots in etc/org.latentlab.core.cfg.",
                refused(VALID.replace("\"files\": []", "\"files\": [{\"name\": \"v\", \"path\": \"data/../../../etc/passwd\"}]")).getMessage());
    }

    @Test
    void aPathThatIsNoPathIsRefused() {
        assertTrue(refused(VALID.replace("\"files\": []", "\"files\": [{\"name\": \"v\", \"path\": \"a\\u0000b\"}]")).getMessage()
                .startsWith("The evaluation file 'v' has the path 'a?b', which is not a valid path"));
    }

    @Test
    void brokenJsonIsNamedWithoutTheParsersInternals() {
        assertEquals("The spec is not valid JSON (line 1, column 21): Non-standard token 'NaN', which JSON does not allow; write a finite"
                + " number.", refused("{\"seed\": 1, \"x\": NaN}").getMessage());
        String closed = refused("{\"seed\": 1]").getMessage();
        assertTrue(closed.startsWith("The spec is not valid JSON (line 1, column ") && closed.endsWith(": Unexpected close marker ']':"
                + " expected '}'."), closed);
    }
}
