package org.latentlab.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.probe.ProbeReport;

/**
 * Where runs are recorded: per run, named records (JSON documents such as {@code spec.json}, {@code status.json},
 * {@code result.json}, and JSON-lines files such as {@code metrics.jsonl}) and a folder of artifacts (its checkpoints);
 * and the sweeps. Every command, report and the dashboard read runs through these methods only, so they read the same on
 * either store: {@link FileRunStore}, the embedded default (one folder per run), and {@link PostgresRunStore}, shared by
 * several hosts. A record is written whole or not at all.
 */
interface RunStore {
    String SPEC = "spec.json";
    String STATUS = "status.json";
    String METRICS = "metrics.jsonl";
    String RESULT = "result.json";
    String VOCABULARY = "vocabulary.json";
    String PARTS = "parts.json";
    String ERROR = "error.txt";
    Pattern PROBE_REPORT = Pattern.compile("probe-(.+?)\\.json");
    Pattern PROBE_TRAINING = Pattern.compile("probe-(.+)-training\\.jsonl");
    /** What a run id looks like: no path can be one. */
    Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** A record that could not be written: the store is full, read-only or gone. */
    class Unwritable extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        Unwritable(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** The store in a few words for messages: "the run store at /data/runs". */
    String describe();

    /** A new, unique run id made of the time and the name, reserved for the run. */
    String newRun(String name);

    /** Whether a run with this id is recorded (it has a status). */
    boolean exists(String id);

    /** Writes a record of a run as JSON, replacing the one of that name. */
    void put(String id, String name, Object value);

    /** Writes a record of a run as text, replacing the one of that name. */
    void putText(String id, String name, String text);

    /** A record of a run read as {@code type}, or empty when it has none of that name. */
    <T> Optional<T> get(String id, String name, Class<T> type);

    /** A record of a run as text, or empty when it has none of that name. */
    Optional<String> text(String id, String name);

    /** The names of a run's records (documents and JSON-lines files), sorted. */
    List<String> names(String id);

    /** Appends one JSON line to a run's JSON-lines record {@code name}. */
    void append(String id, String name, Object record);

    /** The lines of a run's JSON-lines record, in order; none when it has none. */
    <T> List<T> lines(String id, String name, Class<T> type);

    /** Drops, in every JSON-lines record of a run, the lines whose {@code step} is above {@code step}. */
    void keepLinesUpTo(String id, long step);

    /** The folder of a run's artifacts (its checkpoints and final parameters), created when missing. */
    Path artifacts(String id);

    void writeStatus(RunStatus status);

    Optional<RunStatus> status(String id);

    /** Every run with a readable status, oldest first; an unreadable record is skipped, never deleted. */
    List<RunStatus> list();

    /** The ids of the queue recorded by {@link #writeQueue}, the next run first; empty when there is none. */
    List<String> queue();

    /** Records the local trainer's queue, so that it survives a restart. */
    void writeQueue(List<String> ids);

    /** A new, unique sweep id made of the time and the sweep's name. */
    String newSweep(String name);

    void writeSweep(Sweep sweep);

    /** A recorded sweep, or empty for an id that is not one. */
    Optional<Sweep> sweep(String id);

    /** Every recorded sweep, oldest first. */
    List<Sweep> sweeps();

    default Optional<RunResult> result(String id) {
        return get(id, RESULT, RunResult.class);
    }

    default Optional<List<ComponentInfo>> parts(String id) {
        return get(id, PARTS, ComponentInfo[].class).map(List::of);
    }

    default List<MetricsRecord> metrics(String id) {
        return lines(id, METRICS, MetricsRecord.class);
    }

    /** The probes' reports after training ({@code probe-<name>.json}), by probe name. */
    default Map<String, ProbeReport> probeReports(String id) {
        Map<String, ProbeReport> out = new TreeMap<>();
        for (String record : names(id)) {
            Matcher m = PROBE_REPORT.matcher(record);
            if (m.matches()) {
                get(id, record, ProbeReport.class).ifPresent(report -> out.put(m.group(1), report));
            }
        }
        return out;
    }

    /** The scalars of the probes followed over training ({@code probe-<name>-training.jsonl}), by probe name. */
    default Map<String, List<ProbeSnapshot>> probeTraining(String id) {
        Map<String, List<ProbeSnapshot>> out = new TreeMap<>();
        for (String record : names(id)) {
            Matcher m = PROBE_TRAINING.matcher(record);
            if (m.matches()) {
                out.put(m.group(1), lines(id, record, ProbeSnapshot.class));
            }
        }
        return out;
    }

    /** "20260101-120000-name": the time and a file-safe form of the name, at most 64 characters of it. */
    static String slug(String name) {
        String s = name == null ? "run" : name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (s.isEmpty()) {
            s = "run";
        }
        return s.length() > 64 ? s.substring(0, 64).replaceAll("-$", "") : s;   // room for a sweep point: "coconut-thoughtsperstep-2-seed-3"
    }
}
