package org.latentlab.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.latentlab.api.model.Backbone;

/**
 * A run's checkpoints, in the folder of its artifacts ({@code checkpoints/} of the run's folder in the embedded store):
 * {@code step-N/} holds the parameters ({@code model.params}), the optimizer's state
 * ({@code optimizer.bin}, within a phase) and where training stands ({@code state.json}); {@code checkpoints/latest.json}
 * names the newest. A checkpoint is written whole in a temporary folder, forced to disk and renamed into place before
 * {@code latest.json} points to it, so a crash at any moment leaves the previous one intact. The two newest are kept.
 */
final class Checkpoints {
    static final String LATEST = "latest.json";
    static final String MODEL = "model.params";
    static final String OPTIMIZER = "optimizer.bin";
    static final String STATE = "state.json";
    private static final String PREFIX = "step-";

    /** {@code latest.json}: the folder of the newest checkpoint and its step. */
    record Latest(String folder, long step) {
    }

    /** A checkpoint on disk. */
    record Saved(Path folder, Checkpoint state) {
        boolean hasOptimizer() {
            return Files.isRegularFile(folder.resolve(OPTIMIZER));
        }
    }

    private final Path root;

    Checkpoints(RunStore store, String id) {
        this.root = store.artifacts(id);
    }

    /** Writes a checkpoint of {@code state} with the model's parameters and, when given, the optimizer's state. */
    void write(Checkpoint state, Backbone model, AdamW optimizer) {
        String name = PREFIX + String.format("%09d", state.step()) + "-" + state.phase();
        Path folder = root.resolve(name);
        try {
            Files.createDirectories(root);
            if (!Files.isDirectory(folder)) {
                Path temporary = root.resolve("." + name + ".tmp");
                deleteRecursively(temporary);
                Files.createDirectories(temporary);
                model.save(temporary.resolve(MODEL));
                if (optimizer != null) {
                    optimizer.save(temporary.resolve(OPTIMIZER));
                }
                AtomicFiles.writeJson(temporary.resolve(STATE), state);
                force(temporary);
                try {
                    Files.move(temporary, folder, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, folder);
                }
                force(root);
            }
            AtomicFiles.writeJson(root.resolve(LATEST), new Latest(name, state.step()));
            prune(name);
        } catch (IOException e) {
            throw new RunStore.Unwritable("Could not write the checkpoint " + folder + " (" + e.getMessage() + ")", e);
        }
    }

    /** The newest checkpoint, or empty when the run has none. */
    Optional<Saved> latest() {
        Path pointer = root.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        Latest latest = AtomicFiles.readJson(pointer, Latest.class).orElseThrow();
        Path folder = root.resolve(latest.folder()).normalize();
        if (!folder.getParent().equals(root.normalize()) || !Files.isRegularFile(folder.resolve(STATE))) {
            throw new UncheckedIOException(new IOException("The checkpoint " + folder + " named by " + pointer + " is missing."));
        }
        return Optional.of(new Saved(folder, AtomicFiles.readJson(folder.resolve(STATE), Checkpoint.class).orElseThrow()));
    }

    /** Loads a checkpoint's parameters into the model. */
    static void restoreModel(Saved saved, Backbone model) throws IOException {
        model.load(saved.folder().resolve(MODEL));
    }

    /** Loads a checkpoint's optimizer state, when it has one (a checkpoint at the start of a phase has none). */
    static void restoreOptimizer(Saved saved, AdamW optimizer) throws IOException {
        if (saved.hasOptimizer()) {
            optimizer.load(saved.folder().resolve(OPTIMIZER));
        }
    }

    /** Keeps the checkpoint just written and the one before it. */
    private void prune(String newest) throws IOException {
        List<Path> folders;
        try (Stream<Path> all = Files.list(root)) {
            folders = all.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        int keepFrom = folders.size() - 2;
        for (int i = 0; i < keepFrom; i++) {
            if (!folders.get(i).getFileName().toString().equals(newest)) {
                deleteRecursively(folders.get(i));
            }
        }
    }

    /** Forces a folder's entries (the names of the files in it) to disk. */
    private static void force(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every file system lets a folder be opened; the files themselves were forced
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
