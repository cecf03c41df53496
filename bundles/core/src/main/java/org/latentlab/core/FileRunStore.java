package org.latentlab.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;

/**
 * The embedded run store: one folder per run under the root, holding each record as a file of its name
 * ({@code spec.json}, {@code status.json}, {@code metrics.jsonl}, ...) and its artifacts in {@code checkpoints/}; the
 * sweeps in {@code _sweeps/}. Every JSON file is written atomically (temporary file, fsync, rename), so a crash never
 * leaves a half-written record.
 */
final class FileRunStore implements RunStore {
    static final String CHECKPOINTS = "checkpoints";
    static final String QUEUE = "queue.json";
    /** Where sweeps are recorded, one {@code <sweep id>.json} each; no run id can take this name. */
    static final String SWEEPS = "_sweeps";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;
    private final JsonMapper line = JsonMapper.builder().build();

    FileRunStore(Path root) {
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

    @Override
    public String describe() {
        return "the run store at " + root;
    }

    @Override
    public synchronized String newRun(String name) {
        String base = STAMP.format(LocalDateTime.now()) + "-" + RunStore.slug(name);
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

    @Override
    public boolean exists(String id) {
        return folder(id).isPresent();
    }

    /** The file of a run's record: the store's own layout, for tests and for the people who read it. */
    Path path(String id, String file) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a run id.");
        }
        return root.resolve(id).resolve(record(file));
    }

    /** A record's name as a file name in the run's folder: never a path elsewhere. */
    private static String record(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + name + "' is not the name of a run's record.");
        }
        return name;
    }

    @Override
    public void put(String id, String name, Object value) {
        AtomicFiles.writeJson(path(id, name), value);
    }

    @Override
    public void putText(String id, String name, String text) {
        try {
            AtomicFiles.write(path(id, name), text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unwritable("Could not write " + path(id, name) + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public <T> Optional<T> get(String id, String name, Class<T> type) {
        return folder(id).flatMap(dir -> AtomicFiles.readJson(dir.resolve(record(name)), type));
    }

    @Override
    public Optional<String> text(String id, String name) {
        Optional<Path> dir = folder(id);
        if (dir.isEmpty() || !Files.isRegularFile(dir.get().resolve(record(name)))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(dir.get().resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + name + " of run " + id + ".", e);
        }
    }

    @Override
    public List<String> names(String id) {
        Optional<Path> dir = folder(id);
        if (dir.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir.get())) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the records of run " + id + ".", e);
        }
    }

    @Override
    public void append(String id, String name, Object record) {
        try {
            String text = line.writeValueAsString(record) + "\n";
            Files.writeString(path(id, name), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Unwritable("Could not append to " + path(id, name) + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public <T> List<T> lines(String id, String name, Class<T> type) {
        List<T> out = new ArrayList<>();
        Path file = path(id, name);
        if (!Files.exists(file)) {
            return out;
        }
        try (Stream<String> lines = Files.lines(file)) {
            for (String l : (Iterable<String>) lines::iterator) {
                if (!l.isBlank()) {
                    out.add(line.readValue(l, type));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + name + " of run " + id + ".", e);
        }
        return out;
    }

    @Override
    public void keepLinesUpTo(String id, long step) {
        for (String name : names(id)) {
            if (!name.endsWith(".jsonl")) {
                continue;
            }
            Path file = path(id, name);
            try {
                StringBuilder kept = new StringBuilder();
                for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (l.isBlank()) {
                        continue;
                    }
                    JsonNode node = line.readTree(l);
                    if (!node.has("step") || node.get("step").asLong() <= step) {
                        kept.append(l).append('\n');
                    }
                }
                AtomicFiles.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Unwritable("Could not rewrite " + file + " (" + e.getMessage() + ")", e);
            }
        }
    }

    @Override
    public Path artifacts(String id) {
        Path dir = path(id, CHECKPOINTS);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Unwritable("Could not create " + dir + " (" + e.getMessage() + ")", e);
        }
        return dir;
    }

    @Override
    public void writeStatus(RunStatus status) {
        put(status.id(), STATUS, status);
    }

    @Override
    public Optional<RunStatus> status(String id) {
        return get(id, STATUS, RunStatus.class);
    }

    @Override
    public List<RunStatus> list() {
        List<RunStatus> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).sorted().forEach(dir -> {
                try {
                    AtomicFiles.readJson(dir.resolve(STATUS), RunStatus.class).ifPresent(out::add);
                } catch (UncheckedIOException ignored) {
                    // a damaged record stays on disk for the user to inspect
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the runs in " + root + ".", e);
        }
        return out;
    }

    @Override
    public List<String> queue() {
        try {
            return AtomicFiles.readJson(root.resolve(QUEUE), String[].class).map(List::of).orElse(List.of());
        } catch (UncheckedIOException damaged) {
            return List.of();   // the statuses still say which runs are queued
        }
    }

    @Override
    public void writeQueue(List<String> ids) {
        AtomicFiles.writeJson(root.resolve(QUEUE), ids);
    }

    @Override
    public synchronized String newSweep(String name) {
        String base = "sweep-" + STAMP.format(LocalDateTime.now()) + "-" + RunStore.slug(name);
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

    @Override
    public void writeSweep(Sweep sweep) {
        AtomicFiles.writeJson(root.resolve(SWEEPS).resolve(sweep.id() + ".json"), sweep);
    }

    @Override
    public Optional<Sweep> sweep(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return AtomicFiles.readJson(root.resolve(SWEEPS).resolve(id + ".json"), Sweep.class);
    }

    @Override
    public List<Sweep> sweeps() {
        Path dir = root.resolve(SWEEPS);
        List<Sweep> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> {
                try {
                    AtomicFiles.readJson(f, Sweep.class).ifPresent(out::add);
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
}
