package org.latentlab.api.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.latentlab.api.figure.Figure;
import org.latentlab.api.probe.ProbeReport;

import org.osgi.annotation.versioning.ProviderType;

/** The orchestrator: parses specs, resolves their parts from the registry, trains, evaluates and records runs. */
@ProviderType
public interface ExperimentService {

    /**
     * Reads a JSON spec; relative file paths in it resolve against {@code baseDirectory} (the spec file's folder).
     * Throws {@link SpecException} naming the first problem.
     */
    ExperimentSpec parse(String json, java.nio.file.Path baseDirectory);

    /**
     * Reads a spec file's text that holds one spec (a JSON object) or several (a JSON array of them, a grid to run in
     * turn), with relative paths resolved as {@link #parse(String, java.nio.file.Path)} does. Throws {@link SpecException}
     * naming the first problem and, in an array, the spec it is in.
     */
    List<ExperimentSpec> parseAll(String json, java.nio.file.Path baseDirectory);

    /** Checks that every named part is registered and compatible; throws {@link SpecException} otherwise. */
    void validate(ExperimentSpec spec);

    /** Validates, records and starts a run; returns its id at once. Runs train one at a time, in order. */
    String submit(ExperimentSpec spec);

    /**
     * Reads a sweep file and expands its grid, submitting nothing. A sweep file is a spec (or a JSON array of specs) in
     * which fields may hold lists of values: a list where the spec expects one value (a number, a name, an object) is
     * swept over its elements, and so is a list inside a component's {@code options}, whose types only the component
     * knows (write {@code [[1, 2, 3]]} for the one value {@code [1, 2, 3]} there); where the spec expects a list
     * ({@code losses}, {@code probes}), a list of lists is swept. A top-level {@code seeds} lists the seeds to run every
     * point with. Every point's spec is read as {@link #parse} reads one; a problem throws {@link SpecException} naming
     * the point.
     *
     * @since 1.8
     */
    SweepPlan expandSweep(String json, java.nio.file.Path baseDirectory);

    /**
     * Validates every point of a sweep, then records the sweep and submits its runs in the grid's order; a point that
     * does not validate throws {@link SpecException} naming it, and nothing is submitted.
     *
     * @since 1.8
     */
    Sweep submitSweep(SweepPlan plan);

    /**
     * A recorded sweep, or empty for an unknown id.
     *
     * @since 1.8
     */
    Optional<Sweep> sweep(String id);

    /**
     * Every recorded sweep, oldest first.
     *
     * @since 1.8
     */
    List<Sweep> sweeps();

    /**
     * The hosts that train runs from this platform's run store, with what each trains now and when it last said it was
     * alive: with the embedded store, this platform alone; with a shared store, every worker that ever registered.
     *
     * @since 1.8
     */
    List<WorkerStatus> workers();

    /** Every recorded run, oldest first. */
    List<RunStatus> runs();

    Optional<RunStatus> status(String id);

    Optional<RunResult> result(String id);

    /**
     * The parts a run trained with, each with its bundle and version as resolved when the run last started (a resume
     * resolves them again, and the run's notes say which versions changed); empty for an unknown run or one that never
     * started.
     *
     * @since 1.6
     */
    Optional<List<ComponentInfo>> parts(String id);

    /**
     * The reports of a run's probes, by probe name, as they were after training; empty for an unknown run or one whose
     * probes have not run.
     *
     * @since 1.6
     */
    Map<String, ProbeReport> probeReports(String id);

    /**
     * The figures of one run, or of several side by side: the training loss and throughput against the step, with the
     * curriculum's stage switches marked; accuracy per evaluation set; each probe's own figures
     * ({@link org.latentlab.api.probe.Probe#figures(ProbeReport)}, where the probe is still registered); and each scalar
     * of a probe followed over training against the step. Throws {@link SpecException} naming an unknown run.
     *
     * @since 1.6
     */
    List<Figure> figures(List<String> ids);

    /** Asks a queued or running run to stop at the next step boundary; false when it is unknown or finished. */
    boolean cancel(String id);

    /**
     * Queues an interrupted, waiting, failed or cancelled run again, to continue from its last checkpoint (or from the
     * start when it has none) in its own folder. Throws {@link IllegalArgumentException} with one sentence when the run
     * is unknown or cannot be resumed, and {@link SpecException} when a part its spec names is not registered.
     *
     * @since 1.5
     */
    void resume(String id);

    /**
     * The ids of the runs waiting for the trainer, the next one first (training is serial: the JVM has one gradient
     * collector). The queue survives a restart of the platform.
     *
     * @since 1.5
     */
    List<String> queue();

    /** Waits until the run has finished or the timeout passed; returns its status then. */
    RunStatus await(String id, Duration timeout) throws InterruptedException;

    /**
     * Validates a spec, then times its method's training steps and answers on freshly built, untrained parameters,
     * recording nothing; waits for the device while a run trains. Throws {@link SpecException} for a bad spec.
     */
    BenchmarkResult benchmark(ExperimentSpec spec, BenchmarkOptions options) throws InterruptedException;

    /**
     * Validates a spec, then trains its method for {@code steps} steps on freshly built parameters (cycling through the
     * training set), sampling the JVM heap and the process's resident memory every {@code sampleEvery} steps; records
     * nothing. Waits for the device while a run trains.
     *
     * @since 1.5
     */
    SoakResult soak(ExperimentSpec spec, int steps, int sampleEvery) throws InterruptedException;

    /** Every method, loss, dataset, probe and backbone in the registry. */
    List<ComponentInfo> components();
}
