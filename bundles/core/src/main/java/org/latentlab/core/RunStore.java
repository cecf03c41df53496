package org.latentlab.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.latentlab.api.experiment.MetricsRecord;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.probe.ProbeReport;

/**
 * The runs on disk: one folder per run under the root, holding {@code spec.json}, {@code status.json},
 * {@code metrics.jsonl}, {@code result.json}, {@code vocabulary.json}, {@code parts.json} and {@code checkpoints/}. Every JSON file is
 * written atomically (temporary file, fsync, rename), so a crash never leaves a half-written record.
 */
final class RunStore {
    static final String SPEC = "spec.json";
    static final String STATUS = "status.json";
    static final String METRICS = "metrics.jsonl";
    static final String RESULT = "result.json";
    static final String VOCABULARY = "vocabulary.json";
    static final String PARTS = "parts.json";
    private static final Pattern PROBE_REPORT = Pattern.compile("probe-(.+?)\\.json");
    private static final Pattern PROBE_TRAINING = Pattern.compile("probe-(.+)-training\\.jsonl");
    static final String CHECKPOINTS = "checkpoints";
    static final String QUEUE = "queue.json";
    /** Where sweeps are recorded, one {@code <sweep id>.json} each; no run id can take this name. */
    static final String SWEEPS = "_sweeps";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** A record that could not be written: the store is full, read-only or gone. */
    static final class Unwritable extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        Unwritable(String message, IOException cause) {
            super(message, cause);
        }
    }

    private final Path root;
    private final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final JsonMapper line = JsonMapper.builder().build();

    RunStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the run store at " + root + "; check that the folder is writable.", e);
        }
    }

    Path root() {
        return root;
    }

    /** A new, unique run id made of the time and the spec's name, and its folder. */
    synchronized String newRun(String name) {
        String base = STAMP.format(LocalDateTime.now()) + "-" + slug(name);
        String id = base;
        for (int n = 2; Files.exists(root.resolve(id)); n++) {
            id = base + "-" + n;
        }
        try {
            Files.createDirectories(root.resolve(id).resolve(CHECKPOINTS));
        } catch (IOException e) {
            throw new Unwritable("Could not create the folder of run " + id + " under " + root + " (" + e.getMessage() + ").", e);
        }
        return id;
    }

    /** The folder of a run, or empty for an id that is not a run (never a path outside the store). */
    Optional<Path> folder(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Path dir = root.resolve(id);
        return Files.isRegularFile(dir.resolve(STATUS)) ? Optional.of(dir) : Optional.empty();
    }

    Path path(String id, String file) {
        return root.resolve(id).resolve(file);
    }

    void writeStatus(RunStatus status) {
        write(path(status.id(), STATUS), status);
    }

    /** Writes a value as JSON atomically: temporary file in the same folder, fsync, rename over the target. */
    void write(Path file, Object value) {
        try {
            writeBytes(file, json.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new Unwritable("Could not write " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static void writeBytes(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
    }

    void appendMetrics(String id, MetricsRecord record) {
        appendLine(id, METRICS, record);
    }

    /** Appends {@code record} as one JSON line to the run's file {@code name}. */
    void appendLine(String id, String name, Object record) {
        try {
            String text = line.writeValueAsString(record) + "\n";
            Files.writeString(path(id, name), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Unwritable("Could not append to " + path(id, name) + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Rewrites a JSON-lines file of a run without the lines whose {@code step} is above {@code step} (atomically, as every
     * record); a missing file stays missing.
     */
    void keepLinesUpTo(Path file, long step) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (l.isBlank()) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode node = line.readTree(l);
            if (!node.has("step") || node.get("step").asLong() <= step) {
                kept.append(l).append('\n');
            }
        }
        writeBytes(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    }

    List<MetricsRecord> metrics(String id) {
        return lines(id, METRICS, MetricsRecord.class);
    }

    /** The lines of a run's JSON-lines file, in order; none when the file is not there. */
    <T> List<T> lines(String id, String file, Class<T> type) {
        List<T> out = new ArrayList<>();
        Path path = path(id, file);
        if (!Files.exists(path)) {
            return out;
        }
        try (Stream<String> lines = Files.lines(path)) {
            for (String l : (Iterable<String>) lines::iterator) {
                if (!l.isBlank()) {
                    out.add(line.readValue(l, type));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + " of run " + id + ".", e);
        }
        return out;
    }

    /** The probes' reports after training ({@code probe-<name>.json}), by probe name. */
    Map<String, ProbeReport> probeReports(String id) {
        Map<String, ProbeReport> out = new TreeMap<>();
        for (String name : probeNames(id, PROBE_REPORT)) {
            read(path(id, "probe-" + name + ".json"), ProbeReport.class).ifPresent(report -> out.put(name, report));
        }
        return out;
    }

    /** The scalars of the probes followed over training ({@code probe-<name>-training.jsonl}), by probe name. */
    Map<String, List<ProbeSnapshot>> probeTraining(String id) {
        Map<String, List<ProbeSnapshot>> out = new TreeMap<>();
        for (String name : probeNames(id, PROBE_TRAINING)) {
            out.put(name, lines(id, "probe-" + name + "-training.jsonl", ProbeSnapshot.class));
        }
        return out;
    }

    private List<String> probeNames(String id, Pattern file) {
        Optional<Path> dir = folder(id);
        if (dir.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.map(f -> file.matcher(f.getFileName().toString())).filter(Matcher::matches).map(m -> m.group(1)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the probe records of run " + id + ".", e);
        }
    }

    Optional<RunStatus> status(String id) {
        return folder(id).flatMap(dir -> read(dir.resolve(STATUS), RunStatus.class));
    }

    Optional<RunResult> result(String id) {
        return folder(id).flatMap(dir -> read(dir.resolve(RESULT), RunResult.class));
    }

    Optional<List<ComponentInfo>> parts(String id) {
        return folder(id).flatMap(dir -> read(dir.resolve(PARTS), ComponentInfo[].class)).map(List::of);
    }

    <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), type));
        } catch (IOException e) {
            throw new UncheckedIOException("The record " + file + " cannot be read (" + e.getMessage() + "); it was left as it is.", e);
        }
    }

    /** Every run with a readable status, oldest first. Unreadable folders are skipped, never deleted. */
    List<RunStatus> list() {
        List<RunStatus> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).sorted().forEach(dir -> {
                try {
                    read(dir.resolve(STATUS), RunStatus.class).ifPresent(out::add);
                } catch (UncheckedIOException ignored) {
                    // a damaged record stays on disk for the user to inspect
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the runs in " + root + ".", e);
        }
        return out;
    }

    /** The ids in {@code queue.json}, the next run first; empty when there is none. */
    List<String> queue() {
        try {
            return read(root.resolve(QUEUE), String[].class).map(List::of).orElse(List.of());
        } catch (UncheckedIOException damaged) {
            return List.of();   // the statuses still say which runs are queued
        }
    }

    /** Records the queue's order, so that it survives a restart. */
    void writeQueue(List<String> ids) {
        write(root.resolve(QUEUE), ids);
    }

    /** A new, unique sweep id made of the time and the sweep's name. */
    synchronized String newSweep(String name) {
        String base = "sweep-" + STAMP.format(LocalDateTime.now()) + "-" + slug(name);
        String id = base;
        for (int n = 2; Files.exists(root.resolve(SWEEPS).resolve(id + ".json")); n++) {
            id = base + "-" + n;
        }
        try {
            Files.createDirectories(root.resolve(SWEEPS));
        } catch (IOException e) {
            throw new Unwritable("Could not create the folder " + root.resolve(SWEEPS) + " (" + e.getMessage() + ").", e);
        }
        return id;
    }

    void writeSweep(Sweep sweep) {
        write(root.resolve(SWEEPS).resolve(sweep.id() + ".json"), sweep);
    }

    /** A recorded sweep, or empty for an id that is not one (never a path outside the store). */
    Optional<Sweep> sweep(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return read(root.resolve(SWEEPS).resolve(id + ".json"), Sweep.class);
    }

    /** Every recorded sweep, oldest first; an unreadable record is skipped and left on disk. */
    List<Sweep> sweeps() {
        Path dir = root.resolve(SWEEPS);
        List<Sweep> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> {
                try {
                    read(f, Sweep.class).ifPresent(out::add);
                } catch (UncheckedIOException ignored) {
                    // a damaged record stays on disk for the user to inspect
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the sweeps in " + dir + ".", e);
        }
        out.sort(java.util.Comparator.comparing(Sweep::created).thenComparing(Sweep::id));
        return out;
    }

    private static String slug(String name) {
        String s = name == null ? "run" : name.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (s.isEmpty()) {
            s = "run";
        }
        return s.length() > 64 ? s.substring(0, 64).replaceAll("-$", "") : s;   // room for a sweep point: "coconut-thoughtsperstep-2-seed-3"
    }
}
