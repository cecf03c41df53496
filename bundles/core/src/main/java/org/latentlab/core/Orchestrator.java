package org.latentlab.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.experiment.BenchmarkOptions;
import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ComponentSpec;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.GrpoSpec;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SoakResult;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.SweepPlan;
import org.latentlab.api.experiment.WorkerStatus;
import org.latentlab.api.method.Policy;
import org.latentlab.api.method.TestTimeSearch;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.model.BackboneFactory;
import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.probe.ProbeReport;
import org.latentlab.api.reward.Reward;
import org.latentlab.engine.ComputeEngine;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.Version;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The experiment service: resolves a spec's parts by name from the service registry, queues runs and trains
 * them one at a time (the JVM has one gradient collector), and records them in the run store.
 */
@Component(service = ExperimentService.class, configurationPid = {"org.latentlab.core", StoreConfiguration.PID})
public final class Orchestrator implements ExperimentService {

    /** Where runs are recorded unless configured: {@code ${karaf.data}/latentlab/runs}. */
    static final String RUNS_PROPERTY = "latentlab.runs";

    private final ComponentCatalog catalog = new ComponentCatalog();
    private final SpecReader reader = new SpecReader();
    private final Map<String, TrainingRun> active = new ConcurrentHashMap<>();
    /** A run's {@code origin.json}: the folder its spec was read from. */
    record Origin(String specFolder) {
    }

    static final String ORIGIN = "origin.json";

    /** The runs waiting for the trainer, the next first; mirrored in the store's queue.json. */
    private final List<String> queue = new ArrayList<>();
    /** Runs waiting for a part to come back into the registry, in the order they began to wait (queue order after a restart). */
    private final Set<String> waiting = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());
    /** Runs that ended while the store could not record it: their last status lives here. */
    private final Map<String, RunStatus> unrecorded = new ConcurrentHashMap<>();
    private volatile ComputeEngine engine;
    private volatile RunStore store;
    private volatile ExecutorService trainer;
    /** This host as a worker of the shared queue, with a shared store; null with the embedded one. */
    private volatile SharedQueue shared;
    private volatile SharedQueue.Settings sharedSettings;

    public Orchestrator() {
    }

    @Reference
    void setEngine(ComputeEngine engine) {
        this.engine = engine;
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> config) {
        Object configured = config.get("runs");
        Path root;
        if (configured != null) {
            root = Path.of(configured.toString());
        } else if (System.getProperty(RUNS_PROPERTY) != null) {
            root = Path.of(System.getProperty(RUNS_PROPERTY));
        } else if (System.getProperty("karaf.data") != null) {
            root = Path.of(System.getProperty("karaf.data"), "latentlab", "runs");
        } else {
            root = context.getDataFile("runs").toPath();
        }
        reader.dataRoots(DataRoots.from(config.get(DataRoots.CONFIGURATION)));
        StoreConfiguration chosen = StoreConfiguration.from(config, root.resolveSibling("artifacts"));
        if (chosen.shared()) {
            start(engine, chosen.open(), chosen.settings());
        } else {
            start(engine, root);
        }
    }

    /** Opens the embedded run store at {@code runs} and starts the trainer thread. */
    void start(ComputeEngine computeEngine, Path runs) {
        start(computeEngine, new FileRunStore(runs), null);
    }

    /**
     * Starts on {@code runStore}: with {@code settings}, a store several hosts share, whose queue this host works on as
     * one of its workers; without, this platform's own store and queue.
     */
    void start(ComputeEngine computeEngine, RunStore runStore, SharedQueue.Settings settings) {
        this.engine = computeEngine;
        this.trainer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "latentlab-trainer");
            t.setDaemon(true);
            return t;
        });
        this.store = runStore;
        this.sharedSettings = settings;
        if (settings != null) {
            PostgresRunStore postgres = (PostgresRunStore) runStore;
            this.shared = new SharedQueue(postgres, settings, StoreConfiguration.hostName(), deviceName(), this::claimed);
            shared.start();
        } else {
            recover();
            resumeWaiting();
        }
    }

    private String deviceName() {
        try {
            return engine.device("auto").toString();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * A run this worker claimed from the shared queue, ready to train: from its newest checkpoint when it has one (it was
     * taken over from a worker that stopped renewing its lease, or resumed), else from the start.
     */
    private TrainingRun claimed(PostgresRunStore.Claim claim) {
        RunStatus s = claim.previous();
        Experiment experiment = resolve(recordedSpec(s.id()));
        Optional<Checkpoints.Saved> from = latestCheckpoint(s.id());
        String takenOver = claim.takenFrom() == null ? "" : "taken over from worker " + claim.takenFrom() + ", whose lease ran out; ";
        String message = from.map(c -> takenOver + "continues from its checkpoint at step " + c.state().step())
                .orElse(takenOver.isEmpty() ? "claimed by worker " + ((PostgresRunStore) store).worker() : takenOver + "starts again from the start");
        TrainingRun run = new TrainingRun(s.with(RunState.QUEUED, message), experiment, store, engine, catalog, this::finished,
                from.orElse(null), false);
        active.put(run.id(), run);
        return run;
    }

    /**
     * After a start: a run recorded as running did not finish and is marked interrupted (latent:resume continues it); the
     * queued runs are queued again in their order; the waiting ones continue as soon as their parts are registered.
     */
    private void recover() {
        List<RunStatus> recorded = store.list();
        Map<String, RunStatus> queued = new java.util.LinkedHashMap<>();
        for (String id : store.queue()) {
            recorded.stream().filter(s -> s.id().equals(id) && s.state() == RunState.QUEUED).findFirst().ifPresent(s -> queued.put(id, s));
        }
        for (RunStatus s : recorded) {
            switch (s.state()) {
                case RUNNING -> {
                    long at = latestCheckpointStep(s.id());
                    store.writeStatus(s.with(RunState.INTERRUPTED, "the platform stopped while this run was training at step " + s.step()
                            + "; latent:resume " + s.id() + " continues it from " + (at < 0 ? "the start" : "its checkpoint at step " + at)));
                }
                case QUEUED -> queued.putIfAbsent(s.id(), s);
                case WAITING -> waiting.add(s.id());
                default -> { }
            }
        }
        for (RunStatus s : queued.values()) {
            try {
                requeue(s);
            } catch (RuntimeException e) {
                // its parts are not registered yet: it waits for them
                store.writeStatus(s.with(RunState.WAITING, "waiting for its parts after a restart: " + e.getMessage()));
                waiting.add(s.id());
            }
        }
        persistQueue();
    }

    private long latestCheckpointStep(String id) {
        try {
            return new Checkpoints(store, id).latest().map(c -> c.state().step()).orElse(-1L);
        } catch (RuntimeException damaged) {
            return -1;
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        if (shared != null) {
            shared.close();
            ((PostgresRunStore) store).close();
        }
        active.values().forEach(TrainingRun::cancel);
        trainer.shutdown();
        if (!trainer.awaitTermination(60, TimeUnit.SECONDS)) {
            trainer.shutdownNow();
        }
    }

    // ---- the registry: every kind of part, multiple, dynamic, greedy ----

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindMethod(ReasoningMethod service, ServiceReference<ReasoningMethod> ref) {
        catalog.add(reference(ComponentKind.METHOD, service, ref));
        resumeWaiting();
    }

    void unbindMethod(ReasoningMethod service) {
        catalog.remove(ComponentKind.METHOD, service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindLoss(SupervisionLoss service, ServiceReference<SupervisionLoss> ref) {
        catalog.add(reference(ComponentKind.LOSS, service, ref));
        resumeWaiting();
    }

    void unbindLoss(SupervisionLoss service) {
        catalog.remove(ComponentKind.LOSS, service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindDataset(DatasetAdapter service, ServiceReference<DatasetAdapter> ref) {
        catalog.add(reference(ComponentKind.DATASET, service, ref));
        resumeWaiting();
    }

    void unbindDataset(DatasetAdapter service) {
        catalog.remove(ComponentKind.DATASET, service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindProbe(Probe service, ServiceReference<Probe> ref) {
        catalog.add(reference(ComponentKind.PROBE, service, ref));
        resumeWaiting();
    }

    void unbindProbe(Probe service) {
        catalog.remove(ComponentKind.PROBE, service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindReward(Reward service, ServiceReference<Reward> ref) {
        catalog.add(reference(ComponentKind.REWARD, service, ref));
        resumeWaiting();
    }

    void unbindReward(Reward service) {
        catalog.remove(ComponentKind.REWARD, service);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindBackbone(BackboneFactory service, ServiceReference<BackboneFactory> ref) {
        catalog.add(reference(ComponentKind.BACKBONE, service, ref));
        resumeWaiting();
    }

    void unbindBackbone(BackboneFactory service) {
        catalog.remove(ComponentKind.BACKBONE, service);
    }

    private static <T> ComponentRef<T> reference(ComponentKind kind, T service, ServiceReference<T> ref) {
        Object name = ref.getProperty(ComponentName.PROPERTY);
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        return new ComponentRef<>(kind, name == null ? service.getClass().getSimpleName().toLowerCase() : name.toString(), service,
                ref.getBundle().getSymbolicName(), ref.getBundle().getVersion(), ranking instanceof Integer i ? i : 0);
    }

    /** Registers a part directly, for use outside a framework. */
    <T> void register(ComponentKind kind, String name, T service, String version) {
        catalog.add(new ComponentRef<>(kind, name, service, service.getClass().getPackageName(), Version.parseVersion(version), 0));
        resumeWaiting();
    }

    /** Withdraws a part registered directly, as an unbind does. */
    void unregister(ComponentKind kind, Object service) {
        catalog.remove(kind, service);
    }

    // ---- the service ----

    @Override
    public ExperimentSpec parse(String json, Path baseDirectory) {
        return reader.read(json, baseDirectory);
    }

    @Override
    public List<ExperimentSpec> parseAll(String json, Path baseDirectory) {
        return reader.readAll(json, baseDirectory);
    }

    @Override
    public void validate(ExperimentSpec spec) {
        resolve(spec);
    }

    @Override
    public SweepPlan expandSweep(String json, Path baseDirectory) {
        return new SweepGrid(reader).expand(json, baseDirectory);
    }

    @Override
    public Sweep submitSweep(SweepPlan plan) {
        for (SweepPlan.Point point : plan.points()) {
            try {
                validate(point.spec());
            } catch (SpecException e) {
                throw new SpecException("The sweep's point " + pointLabel(point) + ": " + e.getMessage(), e);
            }
        }
        String id;
        try {
            id = store.newSweep(plan.name());
        } catch (RunStore.Unwritable e) {
            throw new IllegalStateException("The run store (" + store.describe() + ") cannot take a new sweep (" + rootMessage(e)
                    + "); free space or fix its permissions, then submit again.", e);
        }
        String created = java.time.Instant.now().toString();
        List<Sweep.Run> runs = new ArrayList<>();
        try {
            for (SweepPlan.Point point : plan.points()) {
                runs.add(new Sweep.Run(submit(point.spec()), point.values()));
            }
        } finally {
            // the runs submitted so far belong to the sweep, also when the store fails half-way
            store.writeSweep(new Sweep(id, plan.name(), created, plan.axes(), runs));
        }
        return new Sweep(id, plan.name(), created, plan.axes(), runs);
    }

    private static String pointLabel(SweepPlan.Point point) {
        String label = SweepGrid.label(point.values());
        return label.isEmpty() ? "(its only spec)" : label;
    }

    @Override
    public Optional<Sweep> sweep(String id) {
        return store.sweep(id);
    }

    @Override
    public List<Sweep> sweeps() {
        return store.sweeps();
    }

    /** Every part of the spec, looked up and checked against each other, or a {@link SpecException} naming the first problem. */
    Experiment resolve(ExperimentSpec spec) {
        if (spec.dataset() == null) {
            throw new SpecException("The spec has no dataset; add \"dataset\": {\"name\": ...} with one of: " + catalog.names(ComponentKind.DATASET) + ".");
        }
        if (spec.method() == null) {
            throw new SpecException("The spec has no method; add \"method\": {\"name\": ...} with one of: " + catalog.names(ComponentKind.METHOD) + ".");
        }
        SpecLimits.checkName(spec.name());
        checkSizes(spec);
        ComponentRef<DatasetAdapter> dataset = catalog.resolve(ComponentKind.DATASET, spec.dataset().name());
        try {
            for (Map.Entry<String, List<Path>> option : dataset.service().files(spec.dataset()).entrySet()) {
                for (Path file : option.getValue()) {
                    reader.dataRoots().check("The file of the " + dataset.name() + " option '" + option.getKey() + "'", file,
                            reader.folder(spec));
                }
            }
            dataset.service().checkOptions(spec.dataset());
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
        ComponentRef<BackboneFactory> backbone = catalog.resolve(ComponentKind.BACKBONE, spec.backbone().name());
        ComponentRef<ReasoningMethod> method = catalog.resolve(ComponentKind.METHOD, spec.method().name());
        checkOptions("method", method.name(), spec.method(), method.service().options());
        try {
            method.service().curriculum(spec.method().options(), spec.training().epochs());
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
        Set<Capability> provided = method.service().provides();
        List<Experiment.Configured<SupervisionLoss>> losses = new ArrayList<>();
        for (ComponentSpec l : spec.losses()) {
            ComponentRef<SupervisionLoss> loss = catalog.resolve(ComponentKind.LOSS, l.name());
            checkOptions("loss", loss.name(), l, loss.service().options());
            checkCapabilities("loss", loss.name(), loss.service().requires(), method.name(), provided);
            if (!Double.isFinite(l.weight())) {
                throw new SpecException("The loss '" + loss.name() + "' has weight " + l.weight() + "; give a finite number.");
            }
            losses.add(new Experiment.Configured<>(loss, l));
        }
        List<Experiment.Configured<Probe>> probes = new ArrayList<>();
        for (ComponentSpec p : spec.probes()) {
            ComponentRef<Probe> probe = catalog.resolve(ComponentKind.PROBE, p.name());
            Set<String> known = new java.util.HashSet<>(probe.service().options());
            known.add(Probe.EVERY);
            checkOptions("probe", probe.name(), p, known);
            checkCapabilities("probe", probe.name(), probe.service().requires(), method.name(), provided);
            checkEvery(probe.name(), p);
            try {
                probe.service().checkOptions(ProbeSchedule.ownOptions(p));
            } catch (IllegalArgumentException e) {
                throw new SpecException(e.getMessage(), e);
            }
            probes.add(new Experiment.Configured<>(probe, p));
        }
        SpecLimits.checkEvaluationFiles(spec, dataset, reader.dataRoots(), reader.folder(spec));
        try {
            engine.device(spec.device());
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
        return new Experiment(spec, dataset, backbone, method, losses, probes, reward(spec, method), searchReward(spec, method));
    }

    /**
     * The reward the evaluation's test-time search maximises, after checking that the method searches
     * ({@link Capability#TEST_TIME_SEARCH}); null when the evaluation names none.
     */
    private Experiment.Configured<Reward> searchReward(ExperimentSpec spec, ComponentRef<ReasoningMethod> method) {
        ComponentSpec named = spec.evaluation().reward();
        if (named == null) {
            return null;
        }
        if (named.name() == null || named.name().isBlank()) {
            throw new SpecException("evaluation.reward has no name; name a reward service, such as \"exact-answer\".");
        }
        if (!method.service().provides().contains(Capability.TEST_TIME_SEARCH) || !(method.service() instanceof TestTimeSearch)) {
            throw new SpecException("evaluation.reward asks for a test-time search, but the method '" + method.name()
                    + "' does not provide " + Capability.TEST_TIME_SEARCH + "; remove evaluation.reward or choose a method that"
                    + " searches, such as latentseek or best-of-n.");
        }
        ComponentRef<Reward> reward = catalog.resolve(ComponentKind.REWARD, named.name());
        checkOptions("reward", reward.name(), named, reward.service().options());
        try {
            reward.service().checkOptions(named.options());
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
        return new Experiment.Configured<>(reward, named);
    }

    /** The reward of the spec's GRPO section, after checking that the method can be optimised as a policy; null without one. */
    private Experiment.Configured<Reward> reward(ExperimentSpec spec, ComponentRef<ReasoningMethod> method) {
        GrpoSpec grpo = spec.grpo();
        if (grpo == null) {
            return null;
        }
        positive("grpo.epochs", grpo.epochs());
        positive("grpo.prompts", grpo.prompts());
        positive("grpo.updates", grpo.updates());
        atLeastZero("grpo.maxSteps", grpo.maxSteps());
        atLeastZero("grpo.warmupSteps", grpo.warmupSteps());
        if (grpo.groupSize() < 2) {
            throw new SpecException("grpo.groupSize must be at least 2, not " + grpo.groupSize()
                    + ": advantages are rewards relative to the rest of the group.");
        }
        if (!(grpo.learningRate() > 0) || !Double.isFinite(grpo.learningRate())) {
            throw new SpecException("grpo.learningRate must be a positive number, not " + grpo.learningRate() + ".");
        }
        if (!(grpo.clip() > 0 && grpo.clip() < 1)) {
            throw new SpecException("grpo.clip must lie between 0 and 1 (exclusive), not " + grpo.clip() + ".");
        }
        if (!(grpo.klWeight() >= 0) || !Double.isFinite(grpo.klWeight())) {
            throw new SpecException("grpo.klWeight must be a finite number of at least 0, not " + grpo.klWeight() + ".");
        }
        if (!method.service().provides().contains(Capability.POLICY_LOGPROB) || !(method.service() instanceof Policy)) {
            throw new SpecException("GRPO needs a method that provides " + Capability.POLICY_LOGPROB + ", which the method '"
                    + method.name() + "' does not; remove \"grpo\" or choose a method that provides it.");
        }
        ComponentRef<Reward> reward = catalog.resolve(ComponentKind.REWARD, grpo.reward().name());
        checkOptions("reward", reward.name(), grpo.reward(), reward.service().options());
        try {
            reward.service().checkOptions(grpo.reward().options());
        } catch (IllegalArgumentException e) {
            throw new SpecException(e.getMessage(), e);
        }
        return new Experiment.Configured<>(reward, grpo.reward());
    }

    private static void checkSizes(ExperimentSpec spec) {
        var t = spec.training();
        positive("training.epochs", t.epochs());
        positive("training.batchSize", t.batchSize());
        positive("training.logEvery", t.logEvery());
        atLeastZero("training.maxSteps", t.maxSteps());
        atLeastZero("training.warmupSteps", t.warmupSteps());
        if (!(t.learningRate() > 0) || !Double.isFinite(t.learningRate())) {
            throw new SpecException("training.learningRate must be a positive number, not " + t.learningRate() + ".");
        }
        if (t.weightDecay() < 0 || t.gradientClip() < 0) {
            throw new SpecException("training.weightDecay and training.gradientClip must not be negative.");
        }
        positive("dataset.train", spec.dataset().train());
        atLeastZero("dataset.validation", spec.dataset().validation());
        atLeastZero("dataset.test", spec.dataset().test());
        positive("evaluation.maxNewTokens", spec.evaluation().maxNewTokens());
        atLeastZero("evaluation.limit", spec.evaluation().limit());
        var b = spec.backbone();
        positive("backbone.dModel", b.dModel());
        positive("backbone.layers", b.layers());
        positive("backbone.heads", b.heads());
        positive("backbone.maxPositions", b.maxPositions());
        if (b.dModel() % b.heads() != 0) {
            throw new SpecException("backbone.dModel (" + b.dModel() + ") must be a multiple of backbone.heads (" + b.heads() + ").");
        }
        SpecLimits.check(spec);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new SpecException(field + " must be positive, not " + value + ".");
        }
    }

    private static void atLeastZero(String field, int value) {
        if (value < 0) {
            throw new SpecException(field + " must not be negative, not " + value + ".");
        }
    }

    private static void checkOptions(String kind, String name, ComponentSpec spec, Set<String> known) {
        for (String option : spec.options().keySet()) {
            if (!known.contains(option)) {
                throw new SpecException("The " + kind + " '" + name + "' has no option '" + option + "'; its options are: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(known))) + ".");
            }
        }
    }

    /** A probe's {@code every}: a whole number of training steps, at least 1. */
    private static void checkEvery(String name, ComponentSpec probe) {
        Object every = probe.options().get(Probe.EVERY);
        if (every != null && ProbeSchedule.every(probe) < 1) {
            throw new SpecException("The probe '" + name + "' has \"every\": " + every
                    + "; give a whole number of training steps, at least 1, or leave it out to probe after training only.");
        }
    }

    private static void checkCapabilities(String kind, String name, Set<Capability> required, String method, Set<Capability> provided) {
        for (Capability c : required) {
            if (!provided.contains(c)) {
                throw new SpecException("The " + kind + " '" + name + "' needs " + c + ", which the method '" + method
                        + "' does not provide; choose another " + kind + " or a method that provides " + c + ".");
            }
        }
    }

    /** Runs on the trainer thread, after the runs already queued, so that it neither slows them nor is slowed by them. */
    @Override
    public BenchmarkResult benchmark(ExperimentSpec spec, BenchmarkOptions options) throws InterruptedException {
        Experiment experiment = resolve(spec);
        return onTrainer(() -> Benchmark.run(engine, experiment, options), "benchmark", spec, experiment);
    }

    /** Runs on the trainer thread, after the runs already queued, like a benchmark. */
    @Override
    public SoakResult soak(ExperimentSpec spec, int steps, int sampleEvery) throws InterruptedException {
        if (steps < 1 || sampleEvery < 1) {
            throw new IllegalArgumentException("A soak needs at least 1 step and a sample every 1 or more steps, not " + steps
                    + " steps sampled every " + sampleEvery + ".");
        }
        Experiment experiment = resolve(spec);
        return onTrainer(() -> Benchmark.soak(engine, experiment, steps, sampleEvery), "soak", spec, experiment);
    }

    private <T> T onTrainer(java.util.concurrent.Callable<T> work, String what, ExperimentSpec spec, Experiment experiment)
            throws InterruptedException {
        java.util.concurrent.Future<T> result = trainer.submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SpecException problem) {
                throw problem;
            }
            if (cause instanceof IllegalArgumentException) {
                throw new SpecException(cause.getMessage(), cause);
            }
            throw new IllegalStateException("The " + what + " of '" + (spec.name() == null ? experiment.method().name() : spec.name())
                    + "' failed: " + cause, cause);
        }
    }

    @Override
    public String submit(ExperimentSpec spec) {
        Experiment experiment = resolve(spec);
        String id;
        TrainingRun run;
        try {
            id = store.newRun(spec.name() == null ? experiment.method().name() : spec.name());
            Path folder = reader.folder(spec);
            if (folder != null) {
                // a resumed run's files are checked against the data roots of the folder its spec came from
                store.put(id, ORIGIN, new Origin(folder.toString()));
            }
            run = new TrainingRun(id, experiment, store, engine, catalog, this::finished);
        } catch (RunStore.Unwritable e) {
            throw new IllegalStateException("The run store (" + store.describe() + ") cannot take a new run (" + rootMessage(e)
                    + "); free space or fix its permissions, then submit again.", e);
        }
        enqueue(run);
        return id;
    }

    /**
     * Puts a run at the end of the queue; the trainer takes runs one at a time, in order. On a shared store the run is
     * queued there already (its status says so) and the first idle worker, on any host, claims it.
     */
    private void enqueue(TrainingRun run) {
        if (shared != null) {
            shared.wake();
            return;
        }
        active.put(run.id(), run);
        synchronized (queue) {
            queue.add(run.id());
        }
        persistQueue();
        trainer.execute(() -> {
            synchronized (queue) {
                queue.remove(run.id());
            }
            persistQueue();
            run.run();
        });
    }

    private void persistQueue() {
        List<String> ids;
        synchronized (queue) {
            ids = List.copyOf(queue);
        }
        try {
            store.writeQueue(ids);
        } catch (java.io.UncheckedIOException e) {
            // the statuses still say which runs are queued; a restart queues them again in the order they were made
        }
    }

    /** When a run ends: a run that waits for a part continues at once if the part is already back. */
    private synchronized void finished(TrainingRun run) {
        active.remove(run.id());
        if (shared != null && shared.lost(run.id())) {
            return;   // another worker holds the run now: the store has its status
        }
        if (!run.recorded()) {
            unrecorded.put(run.id(), run.status());
        } else {
            unrecorded.remove(run.id());
        }
        if (run.status().state() == RunState.WAITING) {
            waiting.add(run.id());
            resumeWaiting();
        }
    }

    /** Queues again each waiting run whose parts are all registered now. */
    private synchronized void resumeWaiting() {
        if (store == null) {
            return;
        }
        List<String> ids;
        synchronized (waiting) {
            ids = List.copyOf(waiting);
        }
        for (String id : ids) {
            if (active.containsKey(id)) {
                continue;
            }
            try {
                store.status(id).filter(s -> s.state() == RunState.WAITING).ifPresent(this::requeue);
                waiting.remove(id);
            } catch (SpecException stillMissing) {
                // it keeps waiting
            } catch (RuntimeException e) {
                waiting.remove(id);
            }
        }
    }

    @Override
    public synchronized void resume(String id) {
        if (active.containsKey(id)) {
            throw new IllegalArgumentException("The run '" + id + "' is already " + active.get(id).status().state().name().toLowerCase()
                    + "; there is nothing to resume.");
        }
        RunStatus s = status(id).orElseThrow(() -> new IllegalArgumentException("There is no run '" + id + "'; list runs with latent:runs."));
        if (s.state() == RunState.COMPLETED) {
            throw new IllegalArgumentException("The run '" + id + "' has completed; there is nothing to resume.");
        }
        if (s.state() == RunState.DIVERGED) {
            throw new IllegalArgumentException("The run '" + id + "' diverged, and would again from its checkpoint; submit its spec"
                    + " again with a lower learning rate or more warm-up steps.");
        }
        requeue(s);
        waiting.remove(id);
    }

    /** Queues a recorded run again from its newest checkpoint, after resolving its recorded spec against the registry. */
    private void requeue(RunStatus s) {
        Experiment experiment = resolve(recordedSpec(s.id()));
        enqueue(new TrainingRun(s, experiment, store, engine, catalog, this::finished, latestCheckpoint(s.id()).orElse(null)));
    }

    /** A run's newest checkpoint, or empty when it has none; an unreadable one is refused with a sentence. */
    private Optional<Checkpoints.Saved> latestCheckpoint(String id) {
        try {
            return new Checkpoints(store, id).latest();
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("The checkpoint of run '" + id + "' cannot be read (" + rootMessage(e)
                    + "); its records are left as they are.", e);
        }
    }

    /** The spec a run was recorded with, read again as it was read first (relative to the folder it came from). */
    private ExperimentSpec recordedSpec(String id) {
        if (!store.exists(id)) {
            throw new IllegalArgumentException("There is no run '" + id + "'.");
        }
        try {
            Path base = store.get(id, ORIGIN, Origin.class).map(o -> Path.of(o.specFolder())).orElse(null);
            return reader.read(store.text(id, RunStore.SPEC).orElseThrow(() -> new java.io.IOException("it has no " + RunStore.SPEC)), base);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("The spec of run '" + id + "' cannot be read (" + rootMessage(e) + ").", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public List<String> queue() {
        if (shared != null) {
            return store.queue();
        }
        synchronized (queue) {
            return List.copyOf(queue);
        }
    }

    /**
     * Cancels a run of the shared store that this host does not train: a queued or waiting one at once, one that another
     * worker trains at that worker's next renewal of its lease.
     */
    private boolean cancelShared(String id) {
        PostgresRunStore postgres = (PostgresRunStore) store;
        RunStatus s = store.status(id).orElse(null);
        if (s == null || s.state().finished()) {
            return false;
        }
        waiting.remove(id);
        if (postgres.requestCancel(id)) {
            return true;
        }
        try {
            store.writeStatus(s.with(RunState.CANCELLED, s.state() == RunState.QUEUED ? "cancelled before it started" : "cancelled while " + s.message()));
            return true;
        } catch (PostgresRunStore.LeaseLost claimedMeanwhile) {
            return postgres.requestCancel(id);
        }
    }

    @Override
    public List<WorkerStatus> workers() {
        if (shared != null) {
            return ((PostgresRunStore) store).workers(sharedSettings.lease());
        }
        String running = active.values().stream().filter(r -> r.status().state() == RunState.RUNNING).map(TrainingRun::id).findFirst().orElse(null);
        String now = java.time.Instant.now().toString();
        return List.of(new WorkerStatus(StoreConfiguration.hostName() + " (this platform)", StoreConfiguration.hostName(), deviceName(),
                running, STARTED.toString(), now, true));
    }

    /** When this platform's orchestrator class was loaded: its start, as a worker. */
    private static final java.time.Instant STARTED = java.time.Instant.now();

    @Override
    public List<RunStatus> runs() {
        List<RunStatus> all = new ArrayList<>(store.list());
        all.replaceAll(s -> active.containsKey(s.id()) ? active.get(s.id()).status() : unrecorded.getOrDefault(s.id(), s));
        all.sort(Comparator.comparing(RunStatus::created, Comparator.nullsFirst(Comparator.naturalOrder())));
        return all;
    }

    @Override
    public Optional<RunStatus> status(String id) {
        TrainingRun run = active.get(id);
        if (run != null) {
            return Optional.of(run.status());
        }
        RunStatus lost = unrecorded.get(id);
        return lost != null ? Optional.of(lost) : store.status(id);
    }

    @Override
    public Optional<RunResult> result(String id) {
        return store.result(id);
    }

    @Override
    public Optional<List<ComponentInfo>> parts(String id) {
        return store.parts(id);
    }

    @Override
    public Map<String, ProbeReport> probeReports(String id) {
        return store.probeReports(id);
    }

    @Override
    public List<Figure> figures(List<String> ids) {
        return new RunFigures(store, catalog).of(ids);
    }

    @Override
    public synchronized boolean cancel(String id) {
        if (shared != null && !active.containsKey(id)) {
            return cancelShared(id);
        }
        TrainingRun run = active.get(id);
        if (run == null && waiting.remove(id)) {
            // a run waiting for a part: it is not queued again when the part comes back
            store.status(id).ifPresent(s -> store.writeStatus(s.with(RunState.CANCELLED, "cancelled while " + s.message())));
            return true;
        }
        if (run == null || run.status().state().finished()) {
            return false;
        }
        run.cancel();
        synchronized (queue) {
            if (queue.remove(id)) {
                active.remove(id);
            }
        }
        persistQueue();
        return true;
    }

    @Override
    public RunStatus await(String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RunStatus s = status(id).orElseThrow(() -> new IllegalArgumentException("There is no run '" + id + "'; list runs with latent:runs."));
            if (s.state().finished() || s.state() == RunState.INTERRUPTED || System.nanoTime() > deadline) {
                return s;
            }
            Thread.sleep(200);
        }
    }

    @Override
    public List<ComponentInfo> components() {
        List<ComponentInfo> out = new ArrayList<>();
        for (ComponentRef<?> r : catalog.everything()) {
            out.add(r.info());
        }
        out.sort(Comparator.comparing(ComponentInfo::kind).thenComparing(ComponentInfo::name));
        return out;
    }
}
