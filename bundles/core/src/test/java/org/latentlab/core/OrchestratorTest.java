package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.BenchmarkOptions;
import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.SweepPlan;
import org.latentlab.api.method.TestTimeSearch;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.dataset.mnns.MnnsAdapter;
import org.latentlab.dataset.prosqa.ProsQaAdapter;
import org.latentlab.loss.language.LanguageModelLoss;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.method.cot.ChainOfThought;
import org.latentlab.method.cot2.ContinuousChainOfThought;
import org.latentlab.method.nocot.NoChainOfThought;
import org.latentlab.model.GptBackboneFactory;
import org.latentlab.reward.exact.ExactAnswerReward;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole experiments through the orchestrator, outside OSGi, with the real parts on the CPU. */
class OrchestratorTest {

    @TempDir
    Path runs;

    private Orchestrator orchestrator;

    @BeforeEach
    void start() {
        orchestrator = new Orchestrator();
        orchestrator.start(new LocalComputeEngine(), runs);
        orchestrator.register(ComponentKind.BACKBONE, "gpt", new GptBackboneFactory(Engine.getEngine("PyTorch")), "1.0.0");
        orchestrator.register(ComponentKind.DATASET, "prosqa", new ProsQaAdapter(), "1.0.0");
        orchestrator.register(ComponentKind.DATASET, "mnns", new MnnsAdapter(), "1.0.0");
        orchestrator.register(ComponentKind.METHOD, "cot", new ChainOfThought(), "1.0.0");
        orchestrator.register(ComponentKind.METHOD, "nocot", new NoChainOfThought(), "1.0.0");
        orchestrator.register(ComponentKind.METHOD, "coconut", new Coconut(), "1.0.0");
        orchestrator.register(ComponentKind.LOSS, "language", new LanguageModelLoss(), "1.0.0");
    }

    @AfterEach
    void stop() throws InterruptedException {
        orchestrator.stop();
    }

    private ExperimentSpec spec(String method, int train, int epochs, String extra) {
        return orchestrator.parse("""
                {"name": "tiny-%s", "seed": 7,
                 "dataset": {"name": "prosqa", "train": %d, "validation": 0, "test": 8},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "%s"},
                 "training": {"epochs": %d, "batchSize": 8, "learningRate": 0.003, "warmupSteps": 2, "logEvery": 1}%s}
                """.formatted(method, train, method, epochs, extra), runs);
    }

    private RunStatus runToEnd(ExperimentSpec spec) throws InterruptedException {
        String id = orchestrator.submit(spec);
        RunStatus status = orchestrator.await(id, Duration.ofMinutes(5));
        assertEquals(RunState.COMPLETED, status.state(), () -> "run ended " + status.state() + ": " + status.message() + "\n"
                + readQuietly(runs.resolve(id).resolve("error.txt")));
        return status;
    }

    @Test
    void aRunTrainsEvaluatesAndRecordsEverything() throws Exception {
        // a copy of the published file beside the spec, inside its data roots
        Path shared = sharedProsQa() == null ? null : Files.copy(sharedProsQa(), runs.resolve("prosqa_valid.json"));
        String files = """
                , "evaluation": {"maxNewTokens": 40, "limit": 4, "files": [%s]}
                """.formatted(shared == null ? "" : "{\"name\": \"prosqa_valid\", \"path\": \"" + shared + "\"}");
        RunStatus status = runToEnd(spec("cot", 16, 1, files));
        Path dir = runs.resolve(status.id());
        for (String file : List.of("spec.json", "status.json", "metrics.jsonl", "result.json", "vocabulary.json", "checkpoints/final.params",
                "predictions-test.json")) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file + " is recorded");
        }
        RunResult result = orchestrator.result(status.id()).orElseThrow();
        assertEquals(2, result.steps(), "16 examples in batches of 8, one epoch");
        EvaluationResult test = result.evaluations().get(0);
        assertEquals("test", test.set());
        assertEquals(4, test.examples(), "the evaluation limit applies to the held-out split too");
        assertTrue(test.accuracy() >= 0 && test.accuracy() <= 1);
        assertTrue(test.meanGeneratedTokens() > 0, "the model generated something");
        if (shared != null) {
            assertEquals("prosqa_valid", result.evaluations().get(1).set());
            assertEquals(4, result.evaluations().get(1).examples(), "the published file, limited to 4");
        }
        List<MetricsRecord> metrics = new FileRunStore(runs).metrics(status.id());
        assertEquals(2, metrics.size());
        assertTrue(metrics.get(0).tokensPerSecond() > 0);
        assertEquals(status.id(), orchestrator.runs().get(0).id(), "latent:runs lists it");
    }

    @Test
    void trainingLowersTheLoss() throws Exception {
        RunStatus status = runToEnd(spec("cot", 32, 12, ""));
        List<MetricsRecord> metrics = new FileRunStore(runs).metrics(status.id());
        double first = metrics.get(0).loss();
        double last = metrics.get(metrics.size() - 1).loss();
        assertTrue(last < 0.6 * first, "loss fell from " + first + " to " + last);
    }

    /** Bit-for-bit with one intra-op thread, as this module's tests run (parallel reductions reorder sums). */
    @Test
    void theSameSpecAndSeedGiveTheSameRunOnTheCpu() throws Exception {
        ExperimentSpec spec = spec("nocot", 16, 2, "");
        List<MetricsRecord> a = new FileRunStore(runs).metrics(runToEnd(spec).id());
        List<MetricsRecord> b = new FileRunStore(runs).metrics(runToEnd(spec).id());
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).loss(), b.get(i).loss(), 0.0, "loss at step " + a.get(i).step());
        }
    }

    @Test
    void aStagedMethodTrainsThroughEveryStageAndAnswersWithThoughts() throws Exception {
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "tiny-coconut", "seed": 7,
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "coconut", "options": {"thoughtsPerStep": 1, "maxLatentStage": 1, "epochsPerStage": 1}},
                 "training": {"epochs": 3, "batchSize": 8, "logEvery": 1},
                 "evaluation": {"maxNewTokens": 40}}
                """, runs);
        RunStatus status = runToEnd(spec);
        List<MetricsRecord> metrics = new FileRunStore(runs).metrics(status.id());
        assertEquals(List.of(0, 0, 1, 1, 2, 2), metrics.stream().map(MetricsRecord::stage).toList(),
                "two steps in each of stage 0 (language), stage 1 (one thought) and the stage past the last (no steps)");
        EvaluationResult test = orchestrator.result(status.id()).orElseThrow().evaluations().get(0);
        assertEquals(1.0, test.meanLatentSteps(), 0.0, "every answer is preceded by maxLatentStage x thoughtsPerStep thoughts");
    }

    @Test
    void chainOfThoughtLearnsTheMnnsPartialSumsWithTheMultisetSplit() throws Exception {
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "tiny-mnns", "seed": 7,
                 "dataset": {"name": "mnns", "train": 64, "validation": 0, "test": 8, "options": {"digits": 3, "split": "multiset"}},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 32},
                 "method": {"name": "cot"},
                 "training": {"epochs": 6, "batchSize": 16, "learningRate": 0.003, "warmupSteps": 2, "logEvery": 1},
                 "evaluation": {"maxNewTokens": 8}}
                """, runs);
        RunStatus status = runToEnd(spec);
        List<MetricsRecord> metrics = new FileRunStore(runs).metrics(status.id());
        assertTrue(metrics.get(metrics.size() - 1).loss() < 0.8 * metrics.get(0).loss(), () -> "the loss falls on the partial sums: " + metrics.stream().map(MetricsRecord::loss).toList());
        EvaluationResult test = orchestrator.result(status.id()).orElseThrow().evaluations().get(0);
        assertEquals(8, test.examples());
        assertTrue(test.meanGeneratedTokens() > 0 && test.meanGeneratedTokens() <= 8);
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.submit(orchestrator.parse("""
                {"dataset": {"name": "mnns", "train": 8, "options": {"split": "sorted"}}, "method": {"name": "cot"},
                 "training": {"batchSize": 8}}
                """, runs)));
        assertTrue(e.getMessage().contains("'split'"), e.getMessage());
    }

    @Test
    void anUnknownMethodIsNamedWithTheAvailableOnes() {
        int before = orchestrator.runs().size();
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.submit(spec("coconat", 16, 1, "")));
        assertEquals("Unknown method 'coconat'; the registered methods are: coconut, cot, nocot.", e.getMessage());
        assertEquals(before, orchestrator.runs().size(), "nothing was recorded");
    }

    @Test
    void aMissingDataFileIsRefusedBeforeAnythingRuns() throws Exception {
        RunStatus earlier = runToEnd(spec("nocot", 8, 1, ""));
        long start = System.nanoTime();
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.submit(spec("cot", 16, 1, """
                , "evaluation": {"files": [{"name": "valid", "path": "no/such/file.json"}]}
                """)));
        assertTrue((System.nanoTime() - start) / 1e9 < 5, "refused at once");
        assertTrue(e.getMessage().startsWith("The evaluation file 'valid' does not exist at "), e.getMessage());
        assertEquals(List.of(earlier.id()), orchestrator.runs().stream().map(RunStatus::id).toList(), "the store is intact");
        assertTrue(orchestrator.result(earlier.id()).isPresent());
    }

    @Test
    void sizesThatCannotFitOrCannotWorkAreRefusedBeforeAnythingRuns() {
        String spec = """
                {"name": "huge", "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512}, "method": {"name": "cot"},
                 "training": {"batchSize": 8, "learningRate": 0.001}, "evaluation": {"maxNewTokens": 40}}
                """;
        orchestrator.validate(orchestrator.parse(spec, runs));
        assertEquals("backbone.layers is 100000, more than the 256 allowed; use fewer layers.",
                refusedOnValidate(spec.replace("\"layers\": 1", "\"layers\": 100000")));
        assertTrue(refusedOnValidate(spec.replace("\"dModel\": 32", "\"dModel\": 32768").replace("\"layers\": 1", "\"layers\": 200"))
                .matches("The backbone \\(dModel 32768, 200 layers, maxPositions 512\\) has about \\d+ parameters, whose weights, "
                        + "gradients and AdamW state need [0-9.]+ GiB, more than the [0-9.]+ GiB of memory of this machine; use a smaller "
                        + "dModel or fewer layers\\."));
        assertEquals("The dataset asks for 2000000004 examples (train 2000000000, validation 0, test 4), more than the 10000000 a run"
                + " holds in memory; ask for fewer.", refusedOnValidate(spec.replace("\"train\": 16", "\"train\": 2000000000")));
        assertEquals("training.batchSize is 1000000000, larger than the 16 training examples of dataset.train; use a batch size of"
                + " at most 16.", refusedOnValidate(spec.replace("\"batchSize\": 8", "\"batchSize\": 1000000000")));
        assertEquals("evaluation.maxNewTokens is 100000, more than the backbone's maxPositions of 512; ask for fewer new tokens or"
                + " raise backbone.maxPositions.", refusedOnValidate(spec.replace("\"maxNewTokens\": 40", "\"maxNewTokens\": 100000")));
        assertEquals("training.learningRate is 1000.0, above the largest sensible rate of 1.0; use a rate such as 0.001.",
                refusedOnValidate(spec.replace("0.001", "1000")));
        assertEquals("training.learningRate must be a positive number, not Infinity.", refusedOnValidate(spec.replace("0.001", "1e999")));
        assertEquals("The spec's name '../../etc/x' contains '/', which a run name may not; name the run with letters, digits, dashes"
                + " and underscores.", refusedOnValidate(spec.replace("\"huge\"", "\"../../etc/x\"")));
        assertTrue(orchestrator.runs().isEmpty(), "no run was recorded");
    }

    @Test
    void evaluationFilesAreCheckedForPlaceKindAndContentBeforeAnythingRuns() throws Exception {
        String spec = """
                {"name": "files", "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512}, "method": {"name": "cot"},
                 "training": {"batchSize": 8}, "evaluation": {"maxNewTokens": 40, "files": [{"name": "valid", "path": "%s"}]}}
                """;
        assertEquals("The evaluation file 'valid' at /etc/passwd is outside the allowed data roots (" + DataRoots.from(null).describe(runs)
                + "); move it under one of them or add its folder to dataRoots in etc/org.latentlab.core.cfg.",
                assertThrows(SpecException.class, () -> orchestrator.parse(spec.formatted("../../../../../../../../etc/passwd"), runs)).getMessage());
        Files.createDirectories(runs.resolve("folder"));
        assertEquals("The evaluation file 'valid' at " + runs.resolve("folder") + " is a folder, not a file; give the path of a file in the"
                + " prosqa dataset's published format.", refusedOnValidate(spec.formatted("folder")));
        Files.writeString(runs.resolve("broken.json"), "[\n  {\"question\": 3}\n]\n");
        String broken = refusedOnValidate(spec.formatted("broken.json"));
        assertTrue(broken.startsWith("The ProsQA file " + runs.resolve("broken.json") + " is malformed: [0].question must be a string"), broken);
        assertTrue(broken.endsWith(", in the record that starts on line 2."), broken);
        assertTrue(orchestrator.runs().isEmpty(), "no run was recorded");
    }

    private String refusedOnValidate(String json) {
        ExperimentSpec spec = orchestrator.parse(json, runs);
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.validate(spec));
        assertEquals(e.getMessage(), assertThrows(SpecException.class, () -> orchestrator.submit(spec)).getMessage());
        return e.getMessage();
    }

    @Test
    void aBenchmarkTimesTheStepsAtTheChosenStageAndRecordsNothing() throws Exception {
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "bench-coconut", "seed": 7,
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "coconut", "options": {"maxLatentStage": 2}},
                 "training": {"epochs": 4, "batchSize": 4},
                 "evaluation": {"maxNewTokens": 8}}
                """, runs);
        BenchmarkResult language = orchestrator.benchmark(spec, new BenchmarkOptions(3, 1, 0, 2));
        BenchmarkResult latent = orchestrator.benchmark(spec, new BenchmarkOptions(3, 1, -1, 2, 4));
        assertEquals(3, language.stepMillis().size());
        for (int i = 0; i < 3; i++) {
            double parts = latent.forwardMillis().get(i) + latent.backwardMillis().get(i) + latent.optimizerMillis().get(i);
            assertEquals(latent.stepMillis().get(i), parts, 1e-6, "a step is its forward, backward and update");
            assertTrue(latent.forwardMillis().get(i) > 0 && latent.backwardMillis().get(i) > 0 && latent.optimizerMillis().get(i) > 0);
        }
        assertTrue(latent.parameters() > 0 && latent.parameters() == language.parameters(), "the same model at every stage");
        assertTrue(latent.peakGflops() > 0, "the matrix-multiply rate is measured");
        assertTrue(latent.mfu() > 0 && latent.mfu() < 1.5, "utilisation against it: " + latent.mfu());
        assertTrue(latent.attentionFlopsPerStep() > 0);
        assertEquals(4, latent.answerBatch());
        assertTrue(latent.batchedAnswersPerSecond() > 0, "four held-out examples answered together");
        assertTrue(Double.isNaN(language.batchedAnswersPerSecond()), "no batch asked for, none timed");
        assertTrue(latent.peakResidentBytes() > 0, "this process's peak memory");
        assertTrue(language.stepMillis().stream().allMatch(ms -> ms > 0));
        assertEquals("stage 0 (0 thoughts)", language.stage());
        assertEquals("stage 3 (2 thoughts, no steps)", latent.stage());
        assertTrue(latent.positionsPerStep() < language.positionsPerStep(),
                "two thoughts in place of every step make shorter sequences: " + latent.positionsPerStep() + " vs " + language.positionsPerStep());
        assertEquals(2.0, latent.latentSteps(), 0.0);
        assertEquals(0.0, language.latentSteps(), 0.0);
        assertTrue(latent.answerMillis() > 0 && latent.generatedTokens() <= 8);
        assertEquals(List.of(), orchestrator.runs(), "a benchmark is not a run");
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.benchmark(spec, new BenchmarkOptions(1, 0, 4, 0)));
        assertEquals("The method 'coconut' has 4 curriculum stages here (0 to 3), not a stage 4.", e.getMessage());
        assertThrows(SpecException.class, () -> new BenchmarkOptions(0, 0, -1, 0));
    }

    @Test
    void aProbeOptionIsCheckedBeforeTrainingAndAFailingProbeKeepsTheResults() throws Exception {
        orchestrator.register(ComponentKind.PROBE, "fragile", new Probe() {
            @Override
            public Set<Capability> requires() {
                return Set.of();
            }

            @Override
            public Set<String> options() {
                return Set.of("depth");
            }

            @Override
            public void checkOptions(Map<String, Object> options) {
                if (options.get("depth") instanceof Number n && n.intValue() < 0) {
                    throw new IllegalArgumentException("The fragile probe's option 'depth' must not be negative, not " + n + ".");
                }
            }

            @Override
            public ProbeReport run(ProbeContext context) {
                throw new IllegalStateException("the fragile probe broke");
            }
        }, "1.0.0");
        SpecException refused = assertThrows(SpecException.class, () -> orchestrator.submit(spec("nocot", 8, 1, """
                , "probes": [{"name": "fragile", "options": {"depth": -1}}]
                """)));
        assertEquals("The fragile probe's option 'depth' must not be negative, not -1.", refused.getMessage());
        assertEquals(List.of(), orchestrator.runs(), "refused before anything was recorded");

        RunStatus status = runToEnd(spec("nocot", 8, 1, """
                , "probes": [{"name": "fragile", "options": {"depth": 2}}]
                """));
        RunResult result = orchestrator.result(status.id()).orElseThrow();
        assertEquals("test", result.evaluations().get(0).set(), "the evaluation is kept");
        assertTrue(result.notes().stream().anyMatch(n -> n.startsWith("the probe 'fragile' failed: the fragile probe broke")), result.notes()::toString);
    }

    @Test
    void aProbeWithEveryRunsDuringTrainingOnTheTrainingObjectiveAndEachReportIsRecordedWithItsStep() throws Exception {
        List<Map<String, Object>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        orchestrator.register(ComponentKind.PROBE, "objective", new Probe() {
            @Override
            public Set<Capability> requires() {
                return Set.of();
            }

            @Override
            public ProbeReport run(ProbeContext context) {
                seen.add(context.options());
                double[] loss = new double[1];
                context.forEachTrace(context.examples().subList(0, 4), 4, Map.of(), (from, batch, trace) ->
                        loss[0] = context.objective().loss(trace, new Batch(batch, context.vocabulary(), context.manager()), context.stage()).getFloat());
                return new ProbeReport("objective", Map.of("loss", loss[0]), List.of());
            }
        }, "1.0.0");
        SpecException bad = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 2, """
                , "probes": [{"name": "objective", "options": {"every": 0.5}}]
                """)));
        assertTrue(bad.getMessage().startsWith("The probe 'objective' has \"every\": 0.5; give a whole number of training steps"), bad.getMessage());

        RunStatus status = runToEnd(spec("cot", 16, 2, """
                , "probes": [{"name": "objective", "options": {"every": 2}}]
                """));
        List<String> lines = Files.readAllLines(runs.resolve(status.id()).resolve("probe-objective-training.jsonl"));
        assertEquals(2, lines.size(), "16 examples in batches of 8 for 2 epochs: steps 2 and 4");
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var first = mapper.readTree(lines.get(0));
        assertEquals(2, first.get("step").asInt());
        double early = first.get("scalars").get("loss").asDouble();
        double late = mapper.readTree(lines.get(1)).get("scalars").get("loss").asDouble();
        assertTrue(early > 0 && late < early, "the objective is the training loss, and it falls: " + early + " then " + late);
        assertEquals(3, seen.size(), "twice during training, once after");
        assertTrue(seen.stream().noneMatch(o -> o.containsKey(Probe.EVERY)), "the probe never sees the platform's option");
        assertTrue(orchestrator.result(status.id()).orElseThrow().probes().containsKey("objective"));
    }

    @Test
    void aLossThatNeedsWhatTheMethodLacksIsRefused() {
        orchestrator.register(ComponentKind.LOSS, "latent-only", new SupervisionLoss() {
            @Override
            public Set<Capability> requires() {
                return Set.of(Capability.LATENT_STEPS);
            }

            @Override
            public NDArray compute(LatentTrace trace, LossContext context) {
                return trace.latents();
            }
        }, "1.0.0");
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 1, """
                , "losses": [{"name": "latent-only"}]
                """)));
        assertTrue(e.getMessage().startsWith("The loss 'latent-only' needs LATENT_STEPS, which the method 'cot' does not provide"), e.getMessage());
    }

    @Test
    void cot2TrainsByContinuousSupervisionThenByGrpoAndReportsBoth() throws Exception {
        orchestrator.register(ComponentKind.METHOD, "cot2", new ContinuousChainOfThought(), "1.0.0");
        orchestrator.register(ComponentKind.REWARD, "exact-answer", new ExactAnswerReward(), "1.0.0");
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "tiny-cot2-grpo", "seed": 7,
                 "dataset": {"name": "mnns", "train": 48, "validation": 0, "test": 8, "options": {"digits": 3}},
                 "backbone": {"dModel": 16, "layers": 1, "heads": 2, "maxPositions": 32},
                 "method": {"name": "cot2", "options": {"decoding": "sample", "samples": 2}},
                 "training": {"epochs": 2, "batchSize": 16, "learningRate": 0.003, "warmupSteps": 2, "logEvery": 1},
                 "grpo": {"epochs": 1, "maxSteps": 4, "prompts": 4, "groupSize": 4, "updates": 2, "klWeight": 0.1},
                 "evaluation": {"maxNewTokens": 8}}
                """, runs);
        RunStatus status = runToEnd(spec);
        RunResult result = orchestrator.result(status.id()).orElseThrow();
        assertEquals(6 + 4, result.steps(), "2 epochs of 3 supervised steps, then 4 GRPO steps (2 batches, 2 updates each)");
        assertEquals(List.of(TrainingRun.SUPERVISED_TEST, "test"), result.evaluations().stream().map(EvaluationResult::set).toList(),
                "the test split before and after policy optimization");
        List<MetricsRecord> metrics = new FileRunStore(runs).metrics(status.id());
        List<MetricsRecord> supervised = metrics.stream().filter(m -> m.reward() == null).toList();
        List<MetricsRecord> grpo = metrics.stream().filter(m -> m.reward() != null).toList();
        assertEquals(6, supervised.size());
        assertEquals(4, grpo.size());
        assertTrue(grpo.stream().allMatch(m -> m.stage() == 1 && m.reward() >= 0 && m.reward() <= 1 && Double.isFinite(m.loss())),
                grpo::toString);
        assertTrue(Files.exists(runs.resolve(status.id()).resolve("checkpoints").resolve("supervised.params")),
                "the KL reference is the supervised model, kept next to the run");
    }

    @Test
    void plainChainOfThoughtTrainsByGrpoOnItsTokens() throws Exception {
        orchestrator.register(ComponentKind.REWARD, "exact-answer", new ExactAnswerReward(), "1.0.0");
        ExperimentSpec spec = orchestrator.parse("""
                {"name": "tiny-cot-grpo", "seed": 7,
                 "dataset": {"name": "mnns", "train": 48, "validation": 0, "test": 8, "options": {"digits": 3}},
                 "backbone": {"dModel": 16, "layers": 1, "heads": 2, "maxPositions": 64},
                 "method": {"name": "cot"},
                 "training": {"epochs": 1, "batchSize": 16, "learningRate": 0.003, "warmupSteps": 2, "logEvery": 1},
                 "grpo": {"epochs": 1, "maxSteps": 2, "prompts": 4, "groupSize": 4},
                 "evaluation": {"maxNewTokens": 24}}
                """, runs);
        RunStatus status = runToEnd(spec);
        List<MetricsRecord> grpo = new FileRunStore(runs).metrics(status.id()).stream().filter(m -> m.reward() != null).toList();
        assertEquals(2, grpo.size());
        assertTrue(grpo.stream().allMatch(m -> m.reward() >= 0 && m.reward() <= 1 && Double.isFinite(m.loss())), grpo::toString);
    }

    /** Chain of thought that "searches" by answering twice and keeping the second answer, to test what the platform records. */
    static final class AnswerTwice extends org.latentlab.api.method.ExplicitReasoning implements TestTimeSearch {
        @Override
        protected List<String> reasoning(org.latentlab.api.data.Example example) {
            return example.steps();
        }

        @Override
        public java.util.Set<org.latentlab.api.Capability> provides() {
            java.util.Set<org.latentlab.api.Capability> all = new java.util.HashSet<>(super.provides());
            all.add(org.latentlab.api.Capability.TEST_TIME_SEARCH);
            return all;
        }

        @Override
        public List<Found> search(org.latentlab.api.model.Backbone model, org.latentlab.api.method.Batch batch,
                                  org.latentlab.api.method.CurriculumStage stage, org.latentlab.api.method.Decoding decoding,
                                  Score reward) {
            List<org.latentlab.api.method.Answer> answers = solve(model, batch, stage, decoding);
            List<Found> found = new java.util.ArrayList<>();
            for (int i = 0; i < answers.size(); i++) {
                found.add(new Found(answers.get(i), 2, reward.of(batch.examples().get(i), answers.get(i))));
            }
            return found;
        }
    }

    @Test
    void anEvaluationRewardMakesASearchingMethodSearchAndRecordsItsBudgetAndReward() throws Exception {
        orchestrator.register(ComponentKind.REWARD, "exact-answer", new ExactAnswerReward(), "1.0.0");
        orchestrator.register(ComponentKind.METHOD, "answer-twice", new AnswerTwice(), "1.0.0");
        RunStatus status = runToEnd(spec("answer-twice", 32, 2, """
                , "evaluation": {"maxNewTokens": 40, "reward": {"name": "exact-answer"}}
                """));
        EvaluationResult test = orchestrator.result(status.id()).orElseThrow().evaluations().get(0);
        assertEquals(2.0, test.meanDecodes(), "the budget the search reported per example");
        assertEquals(test.accuracy(), test.meanReward(), 1e-12, "the exact-answer reward is the accuracy");
        String predictions = Files.readString(runs.resolve(status.id()).resolve("predictions-test.json"));
        assertTrue(predictions.contains("\"decodes\"") && predictions.contains("\"reward\""), predictions);

        RunStatus plain = runToEnd(spec("cot", 32, 2, ""));
        EvaluationResult untouched = orchestrator.result(plain.id()).orElseThrow().evaluations().get(0);
        assertEquals(null, untouched.meanDecodes(), "no search, no budget");
        assertEquals(test.accuracy(), untouched.accuracy(), 1e-12, "the same training and the same answers as chain of thought");
    }

    @Test
    void anEvaluationRewardIsRefusedForAMethodThatDoesNotSearch() {
        orchestrator.register(ComponentKind.REWARD, "exact-answer", new ExactAnswerReward(), "1.0.0");
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 1, """
                , "evaluation": {"reward": {"name": "exact-answer"}}
                """)));
        assertEquals("evaluation.reward asks for a test-time search, but the method 'cot' does not provide TEST_TIME_SEARCH; "
                + "remove evaluation.reward or choose a method that searches, such as latentseek or best-of-n.", e.getMessage());
        orchestrator.register(ComponentKind.METHOD, "answer-twice", new AnswerTwice(), "1.0.0");
        SpecException unknown = assertThrows(SpecException.class, () -> orchestrator.validate(spec("answer-twice", 16, 1, """
                , "evaluation": {"reward": {"name": "exact-answer", "options": {"nonsense": 1}}}
                """)));
        assertTrue(unknown.getMessage().startsWith("The reward 'exact-answer' has no option 'nonsense'"), unknown.getMessage());
    }

    @Test
    void grpoIsRefusedForAMethodThatIsNoPolicyAndForABadGroupOrReward() {
        orchestrator.register(ComponentKind.REWARD, "exact-answer", new ExactAnswerReward(), "1.0.0");
        SpecException notPolicy = assertThrows(SpecException.class, () -> orchestrator.validate(spec("coconut", 16, 1, """
                , "grpo": {"groupSize": 4}
                """)));
        assertEquals("GRPO needs a method that provides POLICY_LOGPROB, which the method 'coconut' does not; remove \"grpo\" or "
                + "choose a method that provides it.", notPolicy.getMessage());
        SpecException lonely = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 1, """
                , "grpo": {"groupSize": 1}
                """)));
        assertTrue(lonely.getMessage().startsWith("grpo.groupSize must be at least 2, not 1"), lonely.getMessage());
        SpecException clip = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 1, """
                , "grpo": {"clip": 1.5}
                """)));
        assertEquals("grpo.clip must lie between 0 and 1 (exclusive), not 1.5.", clip.getMessage());
        SpecException badValue = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot", 16, 1, """
                , "grpo": {"groupSize": 4, "reward": {"name": "exact-answer", "options": {"perLatent": "yes"}}}
                """)));
        assertEquals("The exact-answer reward's option 'perLatent' must be true or false, not yes.", badValue.getMessage(),
                "a bad reward option is refused when the spec is submitted, not at the first scored rollout");
    }

    @Test
    void anUnknownMethodOptionIsRefused() {
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.validate(orchestrator.parse("""
                {"dataset": {"name": "prosqa"}, "method": {"name": "cot", "options": {"thoughts": 3}}}
                """, runs)));
        assertEquals("The method 'cot' has no option 'thoughts'; its options are: (none).", e.getMessage());
    }

    @Test
    void aVersionRangeSelectsTheProvider() {
        orchestrator.validate(spec("cot@[1.0,2.0)", 16, 1, ""));
        SpecException e = assertThrows(SpecException.class, () -> orchestrator.validate(spec("cot@[2.0,3.0)", 16, 1, "")));
        assertEquals("No method 'cot' in version range [2.0.0,3.0.0); installed versions: 1.0.0.", e.getMessage());
    }

    @Test
    void aRunCanBeCancelled() throws Exception {
        String id = orchestrator.submit(spec("cot", 64, 200, ""));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (orchestrator.status(id).orElseThrow().step() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(orchestrator.cancel(id));
        RunStatus status = orchestrator.await(id, Duration.ofMinutes(1));
        assertEquals(RunState.CANCELLED, status.state());
        assertTrue(status.step() < status.totalSteps());
        assertFalse(orchestrator.cancel(id), "a finished run cannot be cancelled again");
        assertEquals(RunState.CANCELLED, new FileRunStore(runs).status(id).orElseThrow().state(), "recorded on disk");
    }

    @Test
    void aSweepSubmitsEveryPointUnderOneIdThatSurvivesARestart() throws Exception {
        String sweepFile = """
                {"name": "seeds", "seeds": [3, 4],
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": ["nocot", "cot"]},
                 "training": {"epochs": 1, "batchSize": 8, "learningRate": 0.003, "warmupSteps": 1}}
                """;
        SweepPlan plan = orchestrator.expandSweep(sweepFile, runs);
        assertEquals(4, plan.points().size());
        Sweep sweep = orchestrator.submitSweep(plan);
        assertEquals(4, sweep.runs().size());
        assertEquals(List.of("method.name", "seed"), sweep.axes());
        for (Sweep.Run run : sweep.runs()) {
            RunStatus status = orchestrator.await(run.id(), Duration.ofMinutes(5));
            assertEquals(RunState.COMPLETED, status.state(), status.message());
            assertEquals(run.values().get("method.name"), status.method());
        }
        assertEquals("seeds [name=cot seed=4]", orchestrator.status(sweep.runs().get(3).id()).orElseThrow().name());

        orchestrator.stop();
        orchestrator = new Orchestrator();
        orchestrator.start(new LocalComputeEngine(), runs);
        assertEquals(sweep, orchestrator.sweep(sweep.id()).orElseThrow(), "the sweep is recorded with its runs and their values");
        assertEquals(List.of(sweep), orchestrator.sweeps());
        assertEquals(4, orchestrator.runs().size(), "the sweeps' folder is no run");
        assertTrue(orchestrator.sweep("../" + sweep.id()).isEmpty());
    }

    @Test
    void aSweepWithAPointThatDoesNotValidateSubmitsNothing() {
        SweepPlan plan = orchestrator.expandSweep("""
                {"dataset": {"name": "prosqa", "train": 16}, "method": {"name": ["cot", "no-such-method"]}}
                """, runs);
        SpecException refused = assertThrows(SpecException.class, () -> orchestrator.submitSweep(plan));
        assertTrue(refused.getMessage().startsWith("The sweep's point name=no-such-method: "), refused.getMessage());
        assertTrue(orchestrator.runs().isEmpty());
        assertTrue(orchestrator.sweeps().isEmpty());
    }

    @Test
    void aRestartMarksUnfinishedRunsInterrupted() throws Exception {
        FileRunStore store = new FileRunStore(runs);
        String id = store.newRun("left-running");
        store.writeStatus(RunStatus.queued(id, "left-running", "cot").with(RunState.RUNNING, "training"));
        orchestrator.stop();
        orchestrator = new Orchestrator();
        orchestrator.start(new LocalComputeEngine(), runs);
        assertEquals(RunState.INTERRUPTED, orchestrator.status(id).orElseThrow().state());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Path sharedProsQa() {
        String root = System.getProperty("latentlab.shared.data");
        if (root == null) {
            return null;
        }
        Path file = Path.of(root, "prosqa", "prosqa_valid.json");
        return Files.isRegularFile(file) ? file.toAbsolutePath() : null;
    }
}
