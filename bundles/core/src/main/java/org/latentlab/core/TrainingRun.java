package org.latentlab.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.EvaluationFile;
import org.latentlab.api.experiment.EvaluationResult;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.GrpoSpec;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.TrainingSpec;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.Policy;
import org.latentlab.api.method.TestTimeSearch;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeContext;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.reward.Reward;
import org.latentlab.engine.ComputeEngine;

/**
 * One run from start to end: generate the data, build the vocabulary and the backbone, train through the
 * method's curriculum, evaluate on the held-out split and the spec's files, run the probes, and record it all.
 */
final class TrainingRun implements Runnable {

    /** Thrown inside the loop when the run must stop early; carries the final state. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final RunState state;

        Stop(RunState state, String message) {
            super(message, null, false, false);
            this.state = state;
        }
    }

    /** Updates with a non-finite gradient that a run survives (each is noted in the result) before it diverges. */
    static final int MAX_SKIPPED_UPDATES = 10;

    private final String id;
    private final Experiment experiment;
    private final ExperimentSpec spec;
    private final RunStore store;
    private final ComputeEngine engine;
    private final ComponentCatalog catalog;
    private final Consumer<TrainingRun> onFinish;
    private final Checkpoints checkpoints;
    /** The checkpoint this run continues from, or null for a run from the start. */
    private final Checkpoints.Saved resumeFrom;
    private volatile RunStatus status;
    private volatile boolean cancelled;
    /** Set when this host gave the run up (its lease went to another worker, or this worker stops): nothing more is written. */
    private volatile boolean abandoned;
    /** False once a status could not be written to the run store: the status then lives in memory only. */
    private volatile boolean recorded = true;
    private final List<String> notes = new ArrayList<>();
    /** Versions of parts that differ from the run's last start, found when it resumes. */
    private final List<String> partChanges = new ArrayList<>();
    private int skipped;
    /** Probes that failed during training, not run again until after training. */
    private final java.util.Set<String> failedDuringTraining = new java.util.LinkedHashSet<>();
    /** Where training stands, kept current at every step boundary so that a checkpoint can be written there. */
    private final Cursor cursor = new Cursor();
    /** The step of the newest checkpoint written or resumed from, or -1. */
    private volatile long checkpointStep = -1;
    /** What probes read during training: the held-out split, as after training. */
    private List<Example> probeExamples = List.of();

    /** The evaluation of the test split after supervised training and before policy optimization. */
    static final String SUPERVISED_TEST = "test-supervised";

    /** A new run, recorded with its spec and queued. */
    TrainingRun(String id, Experiment experiment, RunStore store, ComputeEngine engine, ComponentCatalog catalog,
                Consumer<TrainingRun> onFinish) {
        this(RunStatus.queued(id, experiment.spec().name(), experiment.method().name()), experiment, store, engine, catalog, onFinish,
                null, true);
    }

    /**
     * A recorded run queued again, to continue from its newest checkpoint ({@code from}) or, without one, from the start, in
     * its own folder; its metrics and probe lines after the checkpoint are dropped when it starts again.
     */
    TrainingRun(RunStatus previous, Experiment experiment, RunStore store, ComputeEngine engine, ComponentCatalog catalog,
                Consumer<TrainingRun> onFinish, Checkpoints.Saved from) {
        this(previous.with(RunState.QUEUED, from == null ? "queued to train again from the start"
                : "queued to continue from its checkpoint at step " + from.state().step()), experiment, store, engine, catalog, onFinish,
                from, false);
    }

    /** A run queued with the status {@code queued}, continuing from {@code from} when given, recording its spec when asked. */
    TrainingRun(RunStatus queued, Experiment experiment, RunStore store, ComputeEngine engine, ComponentCatalog catalog,
                Consumer<TrainingRun> onFinish, Checkpoints.Saved from, boolean recordSpec) {
        this.id = queued.id();
        this.experiment = experiment;
        this.spec = experiment.spec();
        this.store = store;
        this.engine = engine;
        this.catalog = catalog;
        this.onFinish = onFinish;
        this.checkpoints = new Checkpoints(store, id);
        this.resumeFrom = from;
        this.checkpointStep = from == null ? -1 : from.state().step();
        this.status = queued;
        if (recordSpec) {
            store.put(id, RunStore.SPEC, spec);
        }
        store.writeStatus(queued);
    }

    String id() {
        return id;
    }

    RunStatus status() {
        return status;
    }

    /** Whether every status of this run reached the run store. */
    boolean recorded() {
        return recorded;
    }

    /** Stops the run at the next step boundary. */
    void cancel() {
        cancelled = true;
        if (status.state() == RunState.QUEUED) {
            update(status.with(RunState.CANCELLED, "cancelled before it started"));
        } else if (status.state() == RunState.WAITING) {
            update(status.with(RunState.CANCELLED, "cancelled while " + status.message()));
        }
    }

    /**
     * Stops the run at the next step boundary without recording anything more: another worker holds it now, or will
     * continue it from its newest checkpoint.
     */
    void abandon() {
        abandoned = true;
        cancelled = true;
    }

    @Override
    public void run() {
        if (cancelled) {
            onFinish.accept(this);
            return;
        }
        try {
            update(status.with(RunState.RUNNING, resumeFrom == null ? "preparing data"
                    : "resuming from its checkpoint at step " + resumeFrom.state().step()));
            execute();
        } catch (Stop stop) {
            if (stop.state == RunState.WAITING && cancelled) {
                update(status.with(RunState.CANCELLED, "cancelled while " + waitingMessage(stop.getMessage())));
            } else {
                update(status.with(stop.state, stop.state == RunState.WAITING ? waitingMessage(stop.getMessage()) : stop.getMessage()));
            }
        } catch (Throwable e) {
            keepStackTrace(e);
            ComponentRef<?> gone = withdrawnPart();
            if (gone != null) {
                // a part left the registry in the middle of a call: what it was doing is lost, its checkpoint is not
                update(status.with(RunState.WAITING, waitingMessage(withdrawn(gone))));
            } else if (e instanceof RunStore.Unwritable) {
                update(status.with(RunState.FAILED, "The run store could not record this run: " + e.getMessage()
                        + "; free space or fix its permissions, then latent:resume " + id + " continues from "
                        + (checkpointStep < 0 ? "the start." : "its checkpoint at step " + checkpointStep + ".")));
            } else {
                update(status.with(RunState.FAILED, describe(e)));
            }
        } finally {
            cursor.release();
            onFinish.accept(this);
        }
    }

    private String waitingMessage(String withdrawn) {
        return withdrawn + "; it continues from " + (checkpointStep < 0 ? "the start" : "its checkpoint at step " + checkpointStep)
                + " when a provider is back, or with latent:resume " + id;
    }

    /**
     * Writes which bundle and version of every part this run trains with; a resume that resolved another version of a
     * part than the run's last start did says so in the run's notes.
     */
    private void recordParts() {
        List<ComponentInfo> parts = experiment.parts().stream().map(ComponentRef::info).toList();
        for (ComponentInfo before : store.parts(id).orElse(List.of())) {
            for (ComponentInfo now : parts) {
                if (now.kind() == before.kind() && now.name().equals(before.name())
                        && !(now.bundle().equals(before.bundle()) && now.version().equals(before.version()))) {
                    partChanges.add("the " + now.kind().word() + " '" + now.name() + "' changed from " + before.bundle() + " "
                            + before.version() + " to " + now.bundle() + " " + now.version() + " when the run resumed");
                }
            }
        }
        store.put(id, RunStore.PARTS, parts);
    }

    private void execute() throws Exception {
        long seed = spec.seed();
        TrainingSpec training = spec.training();
        Dataset data = experiment.dataset().service().load(spec.dataset(), seed);
        probeExamples = data.test();
        if (data.train().isEmpty()) {
            throw new Stop(RunState.FAILED, "The dataset '" + experiment.dataset().name() + "' produced no training examples; raise dataset.train.");
        }
        recordParts();
        Vocabulary vocabulary = TrainingStep.vocabulary(experiment, data.train());
        store.put(id, RunStore.VOCABULARY, vocabulary.tokens());
        Map<String, List<Example>> evaluationSets = evaluationSets(data);

        Device device = engine.device(spec.device());
        Curriculum curriculum = experiment.method().service().curriculum(spec.method().options(), training.epochs());
        int stepsPerEpoch = (data.train().size() + training.batchSize() - 1) / training.batchSize();
        long planned = (long) curriculum.totalEpochs() * stepsPerEpoch;
        long supervisedSteps = training.maxSteps() > 0 ? Math.min(planned, training.maxSteps()) : planned;
        GrpoSpec grpo = spec.grpo();
        long grpoSteps = grpo == null ? 0 : GroupRelativePolicyOptimization.plannedSteps(grpo, data.train().size());

        try (Backbone model = TrainingStep.newBackbone(engine, experiment, vocabulary, device)) {
            Progress progress = new Progress(supervisedSteps + grpoSteps);
            ResumableRandom order = new ResumableRandom(seed);
            ResumableRandom sampling = new ResumableRandom(seed + 1);
            List<EvaluationResult> evaluations = new ArrayList<>();
            Checkpoint from = resumeFrom == null ? null : resumeFrom.state();
            if (from != null) {
                Checkpoints.restoreModel(resumeFrom, model);
                progress.restore(from);
                order.restore(from.order());
                sampling.restore(from.sampling());
                skipped = from.skipped();
                notes.addAll(from.notes());
                long resumedAt = from.step();
                notes.addAll(partChanges.stream().map(change -> "step " + resumedAt + ": " + change).toList());
                failedDuringTraining.addAll(from.failedProbes());
                evaluations.addAll(from.evaluations());
                dropRecordsAfter(from.step());
            } else {
                dropRecordsAfter(-1);   // a run that starts again from the start writes every line again
            }
            cursor.model = model;
            cursor.progress = progress;
            cursor.sampling = sampling;
            cursor.evaluations = evaluations;
            String stageName = curriculum.stages().get(Math.min(from == null ? 0 : from.stage(), curriculum.stages().size() - 1)).name();
            status = status.progress(progress.step, progress.total, stageName, progress.lossOrNull(), null, null);
            update(status.with(RunState.RUNNING, "training " + model.parameterCount() + " parameters on " + device));

            if (from == null || Checkpoint.SUPERVISED.equals(from.phase())) {
                train(model, vocabulary, curriculum, data.train(), supervisedSteps, order, progress, from);
                from = null;
                cursor.at(grpo == null ? Checkpoint.TRAINED : Checkpoint.POLICY, curriculum.last().index(), 0, 0, 0, order.state(), null);
                checkpoint();
            }
            CurriculumStage last = curriculum.last();
            if (grpo != null && (from == null || Checkpoint.POLICY.equals(from.phase()))) {
                if (evaluations.stream().noneMatch(e -> e.set().equals(SUPERVISED_TEST))) {
                    // the supervised policy's accuracy first, so that one run shows what policy optimization added
                    evaluations.add(engine.withoutGradients(() -> evaluate(model, vocabulary, last, SUPERVISED_TEST, evaluationSets.get("test"))));
                }
                optimizePolicy(model, vocabulary, last, data.train(), grpo, order, sampling, progress, from);
                cursor.at(Checkpoint.TRAINED, last.index(), 0, 0, 0, order.state(), null);
                checkpoint();
            }
            double trainSeconds = progress.seconds();
            model.save(store.artifacts(id).resolve("final.params"));

            update(status.with(RunState.RUNNING, "evaluating"));
            for (Map.Entry<String, List<Example>> set : evaluationSets.entrySet()) {
                evaluations.add(engine.withoutGradients(() -> evaluate(model, vocabulary, last, set.getKey(), set.getValue())));
            }
            Map<String, Map<String, Double>> probes = engine.withoutGradients(() -> runProbes(model, vocabulary, last, data));
            RunResult result = new RunResult(id, spec.name(), experiment.methodLabel(), model.parameterCount(), progress.step, trainSeconds,
                    progress.tokens / Math.max(1e-9, trainSeconds), progress.loss, evaluations, notes, probes);
            store.put(id, RunStore.RESULT, result);
            update(status.with(RunState.COMPLETED, "done"));
        }
    }

    /**
     * Where training stands at a step boundary, and the live objects a checkpoint is made of. {@link #atBoundary()} is
     * true only between steps, when the model and optimizer hold exactly the state the position describes.
     */
    private static final class Cursor {
        String phase;
        int stage;
        int epoch;
        int batch;
        long phaseStep;
        ResumableRandom.State order;
        AdamW optimizer;
        Backbone model;
        Progress progress;
        ResumableRandom sampling;
        List<EvaluationResult> evaluations;
        private boolean boundary;

        void at(String newPhase, int newStage, int newEpoch, int newBatch, long newPhaseStep, ResumableRandom.State newOrder,
                AdamW newOptimizer) {
            phase = newPhase;
            stage = newStage;
            epoch = newEpoch;
            batch = newBatch;
            phaseStep = newPhaseStep;
            order = newOrder;
            optimizer = newOptimizer;
            boundary = model != null;
        }

        /** A step has begun: until the next {@link #at}, the live state is between two positions. */
        void leave() {
            boundary = false;
        }

        boolean atBoundary() {
            return boundary;
        }

        long progressStep() {
            return progress == null ? 0 : progress.step;
        }

        void release() {
            boundary = false;
            optimizer = null;
            model = null;
        }
    }

    /** Writes a checkpoint of the run where the cursor stands. */
    private void checkpoint() {
        Progress p = cursor.progress;
        checkpoints.write(new Checkpoint(cursor.phase, cursor.stage, cursor.epoch, cursor.batch, cursor.phaseStep, p.step, p.tokens,
                p.lossOrNull(), p.seconds(), p.windowTokens, p.windowReward, p.windowRewards, cursor.order, cursor.sampling.state(),
                skipped, notes, List.copyOf(failedDuringTraining), cursor.evaluations), cursor.model, cursor.optimizer);
        checkpointStep = p.step;
    }

    /** Drops the metrics and training-probe lines of steps after {@code step}: the resumed run writes them again. */
    private void dropRecordsAfter(long step) {
        store.keepLinesUpTo(id, step);
    }

    /** Steps, tokens and time of the whole run, supervised and policy optimization together, and its metrics lines. */
    private final class Progress {
        final long total;
        long start = System.nanoTime();
        long step;
        long tokens;
        double loss = Double.NaN;
        private long windowTokens;
        private long windowStart = start;
        private double windowReward;
        private int windowRewards;

        Progress(long total) {
            this.total = total;
        }

        /** Counts one optimizer step and, every {@code logEvery} steps and at the last, writes a metrics line. */
        void stepped(CurriculumStage stage, double stepLoss, double lr, long stepTokens, Double reward) {
            step++;
            loss = stepLoss;
            tokens += stepTokens;
            windowTokens += stepTokens;
            if (reward != null) {
                windowReward += reward;
                windowRewards++;
            }
            if (step % spec.training().logEvery() == 0 || step == total) {
                long now = System.nanoTime();
                double elapsed = (now - start) / 1e9;
                double tokensPerSecond = windowTokens / Math.max(1e-9, (now - windowStart) / 1e9);
                Double meanReward = windowRewards == 0 ? null : windowReward / windowRewards;
                store.append(id, RunStore.METRICS, new MetricsRecord(step, stage.index(), loss, lr, tokensPerSecond, elapsed, meanReward));
                double left = elapsed / step * (total - step);
                update(status.progress(step, total, stage.name(), loss, tokensPerSecond, left));
                windowTokens = 0;
                windowStart = now;
                windowReward = 0;
                windowRewards = 0;
            }
        }

        double seconds() {
            return (System.nanoTime() - start) / 1e9;
        }

        Double lossOrNull() {
            return Double.isNaN(loss) ? null : loss;
        }

        /** Continues the counts of a checkpoint, as if the time since it had not passed. */
        void restore(Checkpoint from) {
            step = from.step();
            tokens = from.tokens();
            loss = from.loss() == null ? Double.NaN : from.loss();
            start = System.nanoTime() - (long) (from.trainSeconds() * 1e9);
            windowStart = System.nanoTime();
            windowTokens = from.windowTokens();
            windowReward = from.windowReward();
            windowRewards = from.windowRewards();
        }
    }

    /**
     * The method's curriculum, stage by stage, with AdamW and the spec's schedule, for at most {@code steps} steps; from
     * the start, or from the position of a supervised checkpoint ({@code from}).
     */
    private void train(Backbone model, Vocabulary vocabulary, Curriculum curriculum, List<Example> train, long steps, ResumableRandom order,
                       Progress progress, Checkpoint from) throws Exception {
        TrainingSpec training = spec.training();
        try (AdamW optimizer = TrainingStep.optimizer(experiment, model)) {
            if (from != null) {
                Checkpoints.restoreOptimizer(resumeFrom, optimizer);
            }
            LearningRateSchedule schedule = new LearningRateSchedule(training.learningRate(), training.warmupSteps(), steps);
            long step = from == null ? 0 : from.phaseStep();
            int firstStage = from == null ? 0 : from.stage();
            for (CurriculumStage stage : curriculum.stages()) {
                if (stage.index() < firstStage) {
                    continue;
                }
                boolean resumedHere = from != null && stage.index() == firstStage;
                if (stage.index() > 0 && !resumedHere) {
                    // a new stage is a new task for the optimizer (Coconut, section 3): start its moments afresh
                    optimizer.reset();
                }
                for (int epoch = resumedHere ? from.epoch() : 0; epoch < stage.epochs(); epoch++) {
                    ResumableRandom.State atEpochStart = order.state();
                    List<Example> shuffled = new ArrayList<>(train);
                    Collections.shuffle(shuffled, order);
                    int firstBatch = resumedHere && epoch == from.epoch() ? from.batch() : 0;
                    for (int batch = firstBatch; batch * training.batchSize() < shuffled.size(); batch++) {
                        cursor.at(Checkpoint.SUPERVISED, stage.index(), epoch, batch, step, atEpochStart, optimizer);
                        if (step >= steps) {
                            return;
                        }
                        checkStillWanted();
                        cursor.leave();
                        int first = batch * training.batchSize();
                        List<Example> examples = shuffled.subList(first, Math.min(first + training.batchSize(), shuffled.size()));
                        double lr = schedule.at(step);
                        TrainingStep.Outcome outcome = TrainingStep.run(engine, experiment, model, examples, vocabulary, stage);
                        checkFinite(outcome.loss(), progress.step + 1);
                        applyUpdate(optimizer, lr, training.gradientClip(), progress.step + 1);
                        step++;
                        progress.stepped(stage, outcome.loss(), lr, outcome.tokens(), null);
                        probeDuringTraining(model, vocabulary, stage, progress.step);
                        cursor.at(Checkpoint.SUPERVISED, stage.index(), epoch, batch + 1, step, atEpochStart, optimizer);
                        if (training.checkpointEvery() > 0 && progress.step % training.checkpointEvery() == 0) {
                            checkpoint();
                        }
                    }
                }
                if (stage.index() < curriculum.last().index()) {
                    // a stage switch: the next stage starts from this checkpoint
                    cursor.at(Checkpoint.SUPERVISED, stage.index(), stage.epochs(), 0, step, order.state(), optimizer);
                    checkpoint();
                }
            }
        }
    }

    /**
     * GRPO after the curriculum, as the method acts at its last stage: a fresh AdamW (the objective is a new task), linear
     * warm-up to a constant learning rate, and a frozen copy of the supervised model as the KL reference when the spec
     * weighs KL.
     */
    private void optimizePolicy(Backbone model, Vocabulary vocabulary, CurriculumStage last, List<Example> train, GrpoSpec grpo,
                                ResumableRandom order, ResumableRandom sampling, Progress progress, Checkpoint from) throws Exception {
        CurriculumStage stage = new CurriculumStage(last.index() + 1, "grpo", grpo.epochs(), last.settings());
        GroupRelativePolicyOptimization trainer = new GroupRelativePolicyOptimization(engine, grpo,
                (Policy) experiment.method().service(), experiment.reward().ref().service(), vocabulary, last,
                new Decoding(spec.evaluation().maxNewTokens()));   // rollouts answer at most as long as evaluation lets them
        long steps = GroupRelativePolicyOptimization.plannedSteps(grpo, train.size());
        int every = spec.training().checkpointEvery();
        // the reference is the supervised model: kept when GRPO starts, read back when a run resumes part way through it
        Backbone reference = grpo.klWeight() > 0 ? frozenCopy(model, vocabulary, from == null || from.phaseStep() == 0) : null;
        try (AdamW optimizer = TrainingStep.optimizer(experiment, model)) {
            if (from != null) {
                Checkpoints.restoreOptimizer(resumeFrom, optimizer);
            }
            long step = from == null ? 0 : from.phaseStep();
            for (int epoch = from == null ? 0 : from.epoch(); epoch < grpo.epochs(); epoch++) {
                ResumableRandom.State atEpochStart = order.state();
                List<List<Example>> batches = GroupRelativePolicyOptimization.groups(train, grpo, order);
                int firstBatch = from != null && epoch == from.epoch() ? from.batch() : 0;
                for (int b = firstBatch; b < batches.size(); b++) {
                    cursor.at(Checkpoint.POLICY, last.index(), epoch, b, step, atEpochStart, optimizer);
                    if (step >= steps) {
                        return;
                    }
                    checkStillWanted();
                    cursor.leave();
                    double lr = grpo.learningRate() * Math.min(1.0, (step + 1.0) / Math.max(1, grpo.warmupSteps()));
                    List<GroupRelativePolicyOptimization.StepOutcome> outcomes = trainer.step(model, reference, batches.get(b), sampling, loss -> {
                        checkFinite(loss, progress.step + 1);
                        applyUpdate(optimizer, lr, spec.training().gradientClip(), progress.step + 1);
                    });
                    long before = progress.step;
                    for (GroupRelativePolicyOptimization.StepOutcome o : outcomes) {
                        step++;
                        progress.stepped(stage, o.loss(), lr, o.tokens(), o.meanReward());
                    }
                    cursor.at(Checkpoint.POLICY, last.index(), epoch, b + 1, step, atEpochStart, optimizer);
                    if (every > 0 && progress.step / every > before / every) {
                        checkpoint();
                    }
                }
            }
        } finally {
            if (reference != null) {
                reference.close();
            }
        }
    }

    /** A copy of {@code model}'s parameters in a backbone of its own, by way of the run's checkpoint directory. */
    private Backbone frozenCopy(Backbone model, Vocabulary vocabulary, boolean save) throws Exception {
        Path file = store.artifacts(id).resolve("supervised.params");
        if (save) {
            model.save(file);
        }
        Backbone copy = TrainingStep.newBackbone(engine, experiment, vocabulary, model.manager().getDevice());
        try {
            copy.load(file);
        } catch (IOException | RuntimeException e) {
            copy.close();
            throw e;
        }
        return copy;
    }

    private void checkFinite(double loss, long step) {
        if (!Double.isFinite(loss)) {
            throw new Stop(RunState.DIVERGED, "The training loss became " + loss + " at step " + step + "; " + lastGood()
                    + "; lower the learning rate or raise the warm-up steps and submit the spec again.");
        }
    }

    private String lastGood() {
        return checkpointStep < 0 ? "no checkpoint was written before it" : "the last good checkpoint is at step " + checkpointStep;
    }

    /** An optimizer step; a non-finite gradient is skipped and noted, and too many of them fail the run. */
    private void applyUpdate(AdamW optimizer, double lr, double clip, long step) {
        double gradientNorm = optimizer.step(lr, clip);
        if (!Double.isFinite(gradientNorm)) {
            skipped++;
            notes.add("step " + step + ": the gradient norm was " + gradientNorm + "; the update was skipped");
            if (skipped > MAX_SKIPPED_UPDATES) {
                throw new Stop(RunState.DIVERGED, "The gradient was not finite in " + skipped + " steps (the last at step "
                        + step + "); " + lastGood() + "; lower the learning rate or raise the warm-up steps and submit the spec again.");
            }
        }
    }

    /** The held-out test split, then each evaluation file the spec names (a missing optional file is noted and skipped). */
    private Map<String, List<Example>> evaluationSets(Dataset data) throws IOException {
        Map<String, List<Example>> sets = new LinkedHashMap<>();
        sets.put("test", limit(data.test()));
        for (EvaluationFile file : spec.evaluation().files()) {
            Path path = Path.of(file.path());
            if (!Files.isRegularFile(path)) {
                notes.add("evaluation file '" + file.name() + "' not found at " + path + "; skipped");
                continue;
            }
            sets.put(file.name(), limit(experiment.dataset().service().read(path)));
        }
        return sets;
    }

    private List<Example> limit(List<Example> examples) {
        int limit = spec.evaluation().limit();
        return limit > 0 && examples.size() > limit ? examples.subList(0, limit) : examples;
    }

    private EvaluationResult evaluate(Backbone model, Vocabulary vocabulary, CurriculumStage stage, String set, List<Example> examples) {
        update(status.with(RunState.RUNNING, "evaluating on " + set));
        Decoding decoding = new Decoding(spec.evaluation().maxNewTokens());
        Experiment.Configured<Reward> search = experiment.searchReward();
        int correct = 0;
        long generated = 0;
        long latent = 0;
        long decodes = 0;
        double rewards = 0;
        List<Map<String, Object>> predictions = new ArrayList<>();
        long start = System.nanoTime();
        int chunk = Math.max(1, spec.training().batchSize());
        for (int from = 0; from < examples.size(); from += chunk) {
            checkStillWanted();
            List<Example> part = examples.subList(from, Math.min(from + chunk, examples.size()));
            try (NDManager scope = model.manager().newSubManager()) {
                Batch batch = new Batch(part, vocabulary, scope);
                List<TestTimeSearch.Found> found = search == null ? null
                        : ((TestTimeSearch) experiment.method().service()).search(model, batch, stage, decoding, searchScore(search));
                List<Answer> answers = found == null ? experiment.method().service().solve(model, batch, stage, decoding)
                        : found.stream().map(TestTimeSearch.Found::answer).toList();
                if (answers.size() != part.size()) {
                    throw new IllegalStateException("The method '" + experiment.method().name() + "' gave " + answers.size()
                            + " answers for " + part.size() + " examples; a method answers every example of the batch, in order.");
                }
                for (int i = 0; i < part.size(); i++) {
                    Example example = part.get(i);
                    Answer answer = answers.get(i);
                    boolean right = answer.answer().equals(Vocabulary.words(example.answer()));
                    correct += right ? 1 : 0;
                    generated += answer.generatedTokens();
                    latent += answer.latentSteps();
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("id", example.id());
                    p.put("expected", example.answer());
                    p.put("answer", Vocabulary.join(answer.answer()));
                    p.put("reasoning", Vocabulary.join(answer.reasoning()));
                    p.put("correct", right);
                    if (found != null) {
                        decodes += found.get(i).decodes();
                        rewards += found.get(i).reward();
                        p.put("decodes", found.get(i).decodes());
                        p.put("reward", found.get(i).reward());
                    }
                    predictions.add(p);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        store.put(id, "predictions-" + set + ".json", predictions);
        int n = examples.size();
        Double meanDecodes = search == null || n == 0 ? null : (double) decodes / n;
        Double meanReward = search == null || n == 0 ? null : rewards / n;
        return new EvaluationResult(set, n, correct, n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : (double) generated / n,
                n == 0 ? 0 : (double) latent / n, n == 0 ? 0 : seconds * 1000 / n, meanDecodes, meanReward);
    }

    /** The search reward as a test-time search calls it: a non-finite score stops the run with a sentence naming the reward. */
    private static TestTimeSearch.Score searchScore(Experiment.Configured<Reward> search) {
        return (example, answer) -> {
            double value = search.ref().service().score(example, answer, search.spec().options());
            if (!Double.isFinite(value)) {
                throw new IllegalStateException("The reward '" + search.spec().name() + "' gave " + value + " for example "
                        + example.id() + "; a reward must be a finite number.");
            }
            return value;
        };
    }

    /**
     * After training step {@code step}, each probe whose spec says {@code "every": N} with N dividing the step, on the
     * model as it is now at the stage it trains; the report's scalars are appended to {@code probe-<name>-training.jsonl}.
     * A probe that fails here is noted once and not run again during training.
     */
    private void probeDuringTraining(Backbone model, Vocabulary vocabulary, CurriculumStage stage, long step) throws Exception {
        for (Experiment.Configured<Probe> probe : experiment.probes()) {
            long every = ProbeSchedule.every(probe.spec());
            String name = probe.ref().name();
            if (every <= 0 || step % every != 0 || failedDuringTraining.contains(name)) {
                continue;
            }
            engine.withoutGradients(() -> {
                try (NDManager scope = model.manager().newSubManager()) {
                    ProbeReport report = probe.ref().service().run(new ProbeContext(model, experiment.method().service(), stage,
                            limit(probeExamples), vocabulary, scope, ProbeSchedule.ownOptions(probe.spec()), objective(model)));
                    store.append(id, "probe-" + name + "-training.jsonl", new ProbeSnapshot(step, stage.index(), report.scalars()));
                } catch (RuntimeException e) {
                    keepStackTrace(e);
                    failedDuringTraining.add(name);
                    notes.add("the probe '" + name + "' failed during training at step " + step + ": " + describe(e));
                }
                return null;
            });
        }
    }

    /** The spec's weighted losses, for probes that differentiate what training differentiates. */
    private ProbeContext.Objective objective(Backbone model) {
        return (trace, batch, stage) -> TrainingStep.objective(experiment, model, trace, batch, stage);
    }

    private Map<String, Map<String, Double>> runProbes(Backbone model, Vocabulary vocabulary, CurriculumStage stage, Dataset data) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Experiment.Configured<Probe> probe : experiment.probes()) {
            checkStillWanted();
            String name = probe.ref().name();
            update(status.with(RunState.RUNNING, "probing with " + name));
            try (NDManager scope = model.manager().newSubManager()) {
                ProbeReport report = probe.ref().service().run(new ProbeContext(model, experiment.method().service(), stage,
                        limit(data.test()), vocabulary, scope, ProbeSchedule.ownOptions(probe.spec()), objective(model)));
                store.put(id, "probe-" + name + ".json", report);
                out.put(name, report.scalars());
            } catch (RuntimeException e) {
                // the run has trained and been evaluated: a probe that fails costs its own report only
                keepStackTrace(e);
                notes.add("the probe '" + name + "' failed: " + describe(e));
            }
        }
        return out;
    }

    /** Stops at a step boundary when the run was cancelled or one of its parts left the registry. */
    private void checkStillWanted() {
        if (cancelled) {
            throw new Stop(RunState.CANCELLED, "cancelled at step " + status.step());
        }
        ComponentRef<?> gone = withdrawnPart();
        if (gone != null) {
            if (cursor.atBoundary()) {
                // the model and optimizer are exactly as they were after the last step: keep that step
                try {
                    checkpoint();
                } catch (RuntimeException e) {
                    keepStackTrace(e);
                }
            }
            throw new Stop(RunState.WAITING, withdrawn(gone));
        }
    }

    /** The first part of the experiment that has left the registry, or null. */
    private ComponentRef<?> withdrawnPart() {
        for (ComponentRef<?> part : experiment.parts()) {
            if (!catalog.present(part.kind(), part.service())) {
                return part;
            }
        }
        return null;
    }

    private String withdrawn(ComponentRef<?> part) {
        return "waiting for the " + part.kind().word() + " '" + part.name() + "' (" + part.bundle() + " " + part.version()
                + " left the registry at step " + cursor.progressStep() + ")";
    }

    /** Records a new status; when the store cannot take it, the status is kept in memory and the run says so. */
    private void update(RunStatus next) {
        if (abandoned) {
            return;
        }
        try {
            // on disk first: whoever sees the new state in memory finds it recorded
            store.writeStatus(next);
            recorded = true;
        } catch (java.io.UncheckedIOException e) {
            recorded = false;
            if (!next.state().finished() && next.state() != RunState.WAITING) {
                throw e;
            }
        } finally {
            status = next;
        }
    }

    /** Keeps the whole trace next to the run's records, for a bug report. */
    private void keepStackTrace(Throwable e) {
        try {
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            store.putText(id, RunStore.ERROR, trace.toString());
        } catch (RuntimeException ignored) {
            // the status still says what went wrong
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null || root instanceof java.util.concurrent.ExecutionException)) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message + (root instanceof IllegalArgumentException || root instanceof IOException ? "" : " (" + root.getClass().getSimpleName() + ")");
    }
}
