package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.osgi.test.common.annotation.InjectService;

/** A spec the platform cannot run is refused with one sentence naming the problem, and no recorded run is touched. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class BadSpecTest {

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    private String recorded;
    private Map<String, RunStatus> runsBefore;
    private RunResult resultBefore;
    private String statusFileBefore;
    private List<Path> foldersBefore;

    @BeforeEach
    void aRunIsRecorded() throws Exception {
        TinyExperiment.componentsWhen(experiments, list -> TinyExperiment.has(list, ComponentKind.DATASET, "prosqa")
                && TinyExperiment.has(list, ComponentKind.LOSS, "language"), "dataset prosqa and loss language");
        recorded = TinyExperiment.completedRun(experiments);
        runsBefore = runsById();
        resultBefore = experiments.result(recorded).orElseThrow();
        statusFileBefore = Files.readString(TinyExperiment.runsRoot().resolve(recorded).resolve("status.json"));
        foldersBefore = runFolders();
    }

    @Test
    void anUnknownFieldIsNamedWithItsPathAndTheAllowedOnes() throws Exception {
        String json = TinyExperiment.json("itest-typo", "cot").replace("\"epochs\": 1", "\"epoch\": 1");
        SpecException e = refused(() -> experiments.parse(json, TinyExperiment.runsRoot()));
        assertTrue(e.getMessage().startsWith("The spec has an unknown field 'training.epoch'; the fields allowed there are: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("epochs"), "it lists the field meant: " + e.getMessage());
        assertRecordsIntact();
    }

    @Test
    void anUnknownTopLevelFieldIsRefusedToo() throws Exception {
        String json = TinyExperiment.json("itest-typo", "cot").replaceFirst("\\{", "{\"seeds\": 3, ");
        SpecException e = refused(() -> experiments.parse(json, TinyExperiment.runsRoot()));
        assertTrue(e.getMessage().startsWith("The spec has an unknown field 'seeds'"), e.getMessage());
        assertRecordsIntact();
    }

    @Test
    void anUnknownDatasetIsNamedWithTheRegisteredOnes() throws Exception {
        ExperimentSpec spec = experiments.parse(TinyExperiment.json("itest-unknown", "cot").replace("\"prosqa\"", "\"prosqb\""),
                TinyExperiment.runsRoot());
        SpecException validated = refused(() -> experiments.validate(spec));
        assertEquals("Unknown dataset 'prosqb'; the registered datasets are: multiplication, prosqa.", validated.getMessage());
        SpecException submitted = refused(() -> experiments.submit(spec));
        assertEquals(validated.getMessage(), submitted.getMessage());
        assertRecordsIntact();
    }

    @Test
    void anUnknownMethodIsNamedWithTheRegisteredOnes() throws Exception {
        ExperimentSpec spec = experiments.parse(TinyExperiment.json("itest-unknown", "coconat"), TinyExperiment.runsRoot());
        SpecException e = refused(() -> experiments.submit(spec));
        assertTrue(e.getMessage().startsWith("Unknown method 'coconat'; the registered methods are: "), e.getMessage());
        assertTrue(e.getMessage().contains("cot"), e.getMessage());
        assertRecordsIntact();
    }

    @Test
    void anUnknownLossIsNamedWithTheRegisteredOnes() throws Exception {
        String json = TinyExperiment.json("itest-unknown", "cot")
                .replace("\"method\":", "\"losses\": [{\"name\": \"langauge\"}], \"method\":");
        ExperimentSpec spec = experiments.parse(json, TinyExperiment.runsRoot());
        SpecException e = refused(() -> experiments.submit(spec));
        assertEquals("Unknown loss 'langauge'; the registered losses are: language, trajectory.", e.getMessage());
        assertRecordsIntact();
    }

    /**
     * The call throws a SpecException whose message is one plain sentence: no line breaks, no Java names (a path to
     * the configuration file etc/org.latentlab.core.cfg is no Java name), a full stop.
     */
    static SpecException refused(Executable call) {
        SpecException e = assertThrows(SpecException.class, call);
        String message = e.getMessage();
        assertFalse(message == null || message.isBlank(), "a message");
        assertFalse(message.contains("\n"), () -> "one line: " + message);
        assertTrue(message.endsWith("."), () -> "ends as a sentence: " + message);
        assertFalse(message.contains(". "), () -> "one sentence: " + message);
        assertFalse(message.matches("(?s).*(Exception|com\\.fasterxml|(?<!etc/)org\\.latentlab|\\bat \\w+\\.).*"),
                () -> "no Java internals: " + message);
        return e;
    }

    private void assertRecordsIntact() throws Exception {
        Map<String, RunStatus> runsAfter = runsById();
        assertEquals(runsBefore.keySet(), runsAfter.keySet(), "runs() lists the same runs, and no new one");
        assertEquals(runsBefore.get(recorded), runsAfter.get(recorded));
        assertEquals(resultBefore, experiments.result(recorded).orElseThrow());
        assertEquals(statusFileBefore, Files.readString(TinyExperiment.runsRoot().resolve(recorded).resolve("status.json")));
        assertEquals(foldersBefore, runFolders(), "no run folder was created or removed");
    }

    private Map<String, RunStatus> runsById() {
        return experiments.runs().stream().collect(Collectors.toMap(RunStatus::id, Function.identity()));
    }

    private static List<Path> runFolders() throws Exception {
        try (Stream<Path> folders = Files.list(TinyExperiment.runsRoot())) {
            return folders.sorted().toList();
        }
    }
}
