package org.latentlab.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.WorkerStatus;

/**
 * The run store several hosts share: runs, their records and the sweeps in PostgreSQL (schema in
 * {@link SchemaMigrations}), the artifacts (checkpoints) in a folder every host mounts at the same path. It is also the
 * work queue: a worker claims the oldest queued run, or a running one whose worker's lease ran out, with
 * {@code SELECT ... FOR UPDATE SKIP LOCKED}, and holds it by renewing its lease.
 * <p>
 * A run's records can only be written by the worker that holds it, or by anyone while nobody does: a worker that lost its
 * lease (it stalled and another took its run over) finds its writes refused ({@link LeaseLost}) and stops.
 */
final class PostgresRunStore implements RunStore, AutoCloseable {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final String HELD_BY_NOBODY_OR_ME = "(worker IS NULL OR worker = ?)";

    /** A write refused because another worker holds the run now. */
    static final class LeaseLost extends Unwritable {
        private static final long serialVersionUID = 1L;

        LeaseLost(String message) {
            super(message, new IOException(message));
        }
    }

    /** A run a worker claimed: its status before, and the worker whose lease on it had run out, or null. */
    record Claim(String id, RunStatus previous, String takenFrom, int attempt) {
    }

    /** What a renewal found: whether the lease is still this worker's, and whether someone asked to cancel the run. */
    record Renewal(boolean held, boolean cancelRequested) {
    }

    private final PostgresConnections db;
    private final Path artifacts;
    private final String worker;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * Opens the store and brings the schema up to date.
     *
     * @param artifacts the shared folder of the runs' artifacts
     * @param worker    this host's worker name: the writer of the runs it holds
     */
    PostgresRunStore(PostgresConnections db, Path artifacts, String worker) {
        this.db = db;
        this.artifacts = artifacts;
        this.worker = worker;
        try {
            Files.createDirectories(artifacts);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the artifacts folder " + artifacts + " (" + e.getMessage()
                    + "); set artifacts in etc/org.latentlab.store.cfg to a folder this host can write.", e);
        }
        try {
            SchemaMigrations.apply(db);
        } catch (SQLException e) {
            throw new IllegalStateException(sentence(e, "cannot be opened"), e);
        }
    }

    String worker() {
        return worker;
    }

    @Override
    public String describe() {
        return "the PostgreSQL run store at " + db.url() + " with artifacts in " + artifacts;
    }

    @Override
    public void close() {
        db.close();
    }

    // ---- runs and their records ----

    @Override
    public String newRun(String name) {
        String base = STAMP.format(LocalDateTime.now()) + "-" + RunStore.slug(name);
        return write("take a new run", c -> {
            for (int n = 1; ; n++) {
                String id = n == 1 ? base : base + "-" + n;
                try (PreparedStatement s = c.prepareStatement("INSERT INTO runs (id) VALUES (?) ON CONFLICT (id) DO NOTHING")) {
                    s.setString(1, id);
                    if (s.executeUpdate() == 1) {
                        return id;
                    }
                }
            }
        });
    }

    @Override
    public boolean exists(String id) {
        return read("find run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM runs WHERE id = ? AND status IS NOT NULL")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    @Override
    public void put(String id, String name, Object value) {
        putText(id, name, text(value));
    }

    @Override
    public void putText(String id, String name, String text) {
        fenced(id, "write " + name + " of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO run_records (run_id, name, body) SELECT ?, ?, ?"
                    + " WHERE EXISTS (SELECT 1 FROM runs WHERE id = ? AND " + HELD_BY_NOBODY_OR_ME + ")"
                    + " ON CONFLICT (run_id, name) DO UPDATE SET body = EXCLUDED.body")) {
                s.setString(1, id);
                s.setString(2, name);
                s.setString(3, text);
                s.setString(4, id);
                s.setString(5, worker);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public <T> Optional<T> get(String id, String name, Class<T> type) {
        return text(id, name).map(body -> parse(body, type));
    }

    @Override
    public Optional<String> text(String id, String name) {
        return read("read " + name + " of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM run_records WHERE run_id = ? AND name = ?")) {
                s.setString(1, id);
                s.setString(2, name);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<String> names(String id) {
        return read("list the records of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT name FROM run_records WHERE run_id = ?"
                    + " UNION SELECT name FROM run_lines WHERE run_id = ? ORDER BY 1")) {
                s.setString(1, id);
                s.setString(2, id);
                return strings(s);
            }
        });
    }

    @Override
    public void append(String id, String name, Object record) {
        JsonNode node = json.valueToTree(record);
        String body = node.toString();
        Long step = node.has("step") ? node.get("step").asLong() : null;   // what keepLinesUpTo compares
        fenced(id, "append to " + name + " of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO run_lines (run_id, name, step, body) SELECT ?, ?, ?, ?"
                    + " WHERE EXISTS (SELECT 1 FROM runs WHERE id = ? AND " + HELD_BY_NOBODY_OR_ME + ")")) {
                s.setString(1, id);
                s.setString(2, name);
                s.setObject(3, step);
                s.setString(4, body);
                s.setString(5, id);
                s.setString(6, worker);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public <T> List<T> lines(String id, String name, Class<T> type) {
        List<String> bodies = read("read " + name + " of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM run_lines WHERE run_id = ? AND name = ? ORDER BY line")) {
                s.setString(1, id);
                s.setString(2, name);
                return strings(s);
            }
        });
        return bodies.stream().map(body -> parse(body, type)).toList();
    }

    @Override
    public void keepLinesUpTo(String id, long step) {
        write("drop the lines after step " + step + " of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM run_lines WHERE run_id = ? AND step > ?")) {
                s.setString(1, id);
                s.setLong(2, step);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Path artifacts(String id) {
        if (id == null || !RUN_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("'" + id + "' is not a run id.");
        }
        Path dir = artifacts.resolve(id).resolve("checkpoints");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Unwritable("Could not create " + dir + " (" + e.getMessage() + ")", e);
        }
        return dir;
    }

    @Override
    public void writeStatus(RunStatus status) {
        String body = text(status);
        fenced(status.id(), "record the status of run " + status.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET status = ?, state = ? WHERE id = ? AND " + HELD_BY_NOBODY_OR_ME)) {
                s.setString(1, body);
                s.setString(2, status.state().name());
                s.setString(3, status.id());
                s.setString(4, worker);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<RunStatus> status(String id) {
        return read("read the status of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT status FROM runs WHERE id = ? AND status IS NOT NULL")) {
                s.setString(1, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(parseStatus(r.getString(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<RunStatus> list() {
        List<String> bodies = read("list the runs", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT status FROM runs WHERE status IS NOT NULL ORDER BY position")) {
                return strings(s);
            }
        });
        List<RunStatus> out = new ArrayList<>();
        for (String body : bodies) {
            try {
                out.add(parseStatus(body));
            } catch (UncheckedIOException ignored) {
                // a damaged record stays for the user to inspect
            }
        }
        return out;
    }

    /** The queued runs, the next one first: the shared queue is the runs table itself. */
    @Override
    public List<String> queue() {
        return read("read the queue", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM runs WHERE state = ? ORDER BY position")) {
                s.setString(1, RunState.QUEUED.name());
                return strings(s);
            }
        });
    }

    /** Nothing to do: the order of submission is the queue's order. */
    @Override
    public void writeQueue(List<String> ids) {
    }

    // ---- sweeps ----

    @Override
    public String newSweep(String name) {
        return "sweep-" + STAMP.format(LocalDateTime.now()) + "-" + RunStore.slug(name) + "-" + Long.toString(System.nanoTime() % 46656, 36);
    }

    @Override
    public void writeSweep(Sweep sweep) {
        String body = text(sweep);
        write("record sweep " + sweep.id(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sweeps (id, created, body) VALUES (?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body")) {
                s.setString(1, sweep.id());
                s.setString(2, sweep.created());
                s.setString(3, body);
                return s.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Sweep> sweep(String id) {
        List<String> bodies = read("read sweep " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM sweeps WHERE id = ?")) {
                s.setString(1, id);
                return strings(s);
            }
        });
        return bodies.stream().findFirst().map(b -> parse(b, Sweep.class));
    }

    @Override
    public List<Sweep> sweeps() {
        List<String> bodies = read("list the sweeps", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT body FROM sweeps ORDER BY created, id")) {
                return strings(s);
            }
        });
        return bodies.stream().map(b -> parse(b, Sweep.class)).toList();
    }

    // ---- the work queue ----

    /**
     * Claims the oldest run that is queued, or running without a worker (one stopped and let it go), or held by a worker
     * whose lease ran out, for this worker until
     * {@code lease} from now; empty when there is none. Runs in {@code skip} (that this worker cannot train) are passed over.
     */
    Optional<Claim> claim(Duration lease, java.util.Collection<String> skip) {
        return write("claim a run", c -> {
            String sql = "SELECT id, status, worker, state FROM runs WHERE status IS NOT NULL"
                    + " AND state IN ('QUEUED', 'RUNNING') AND (worker IS NULL OR lease_until < now())"
                    + (skip.isEmpty() ? "" : " AND NOT (id = ANY (?))")
                    + " ORDER BY position FOR UPDATE SKIP LOCKED LIMIT 1";
            String id;
            String body;
            String previousWorker;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (!skip.isEmpty()) {
                    s.setArray(1, c.createArrayOf("text", skip.toArray()));
                }
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Claim>empty();
                    }
                    id = r.getString(1);
                    body = r.getString(2);
                    previousWorker = r.getString(3);   // a worker whose lease ran out
                }
            }
            int attempt;
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET worker = ?, lease_until = now() + ? * interval '1 millisecond',"
                    + " attempts = attempts + 1 WHERE id = ? RETURNING attempts")) {
                s.setString(1, worker);
                s.setLong(2, lease.toMillis());
                s.setString(3, id);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    attempt = r.getInt(1);
                }
            }
            return Optional.of(new Claim(id, parseStatus(body), previousWorker, attempt));
        });
    }

    /** Extends this worker's lease on {@code id}; says whether it still holds it and whether a cancel was asked for. */
    Renewal renew(String id, Duration lease) {
        return write("renew the lease of run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET lease_until = now() + ? * interval '1 millisecond'"
                    + " WHERE id = ? AND worker = ? RETURNING cancel_requested")) {
                s.setLong(1, lease.toMillis());
                s.setString(2, id);
                s.setString(3, worker);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? new Renewal(true, r.getBoolean(1)) : new Renewal(false, false);
                }
            }
        });
    }

    /** Lets go of a run this worker holds (it ended, or waits, or this worker cannot train it). */
    void release(String id) {
        write("release run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET worker = NULL, lease_until = NULL, cancel_requested = false"
                    + " WHERE id = ? AND worker = ?")) {
                s.setString(1, id);
                s.setString(2, worker);
                return s.executeUpdate();
            }
        });
    }

    /** Asks the worker that holds {@code id} to cancel it at its next renewal; false when nobody holds it. */
    boolean requestCancel(String id) {
        return write("ask to cancel run " + id, c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE runs SET cancel_requested = true WHERE id = ? AND worker IS NOT NULL")) {
                s.setString(1, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Records that this worker is alive, on {@code device}, training {@code run} (or nothing). */
    void heartbeat(String host, String device, String run) {
        write("record the heartbeat of worker " + worker, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO workers (id, host, device, run_id, started, heartbeat)"
                    + " VALUES (?, ?, ?, ?, now(), now()) ON CONFLICT (id) DO UPDATE SET host = EXCLUDED.host, device = EXCLUDED.device,"
                    + " run_id = EXCLUDED.run_id, heartbeat = now()")) {
                s.setString(1, worker);
                s.setString(2, host);
                s.setString(3, device);
                s.setString(4, run);
                return s.executeUpdate();
            }
        });
    }

    /** Every worker that registered, with whether its last heartbeat is within {@code lease}. */
    List<WorkerStatus> workers(Duration lease) {
        return read("list the workers", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, host, device, run_id, started, heartbeat,"
                    + " heartbeat > now() - ? * interval '1 millisecond' FROM workers ORDER BY id")) {
                s.setLong(1, lease.toMillis());
                List<WorkerStatus> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new WorkerStatus(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getTimestamp(5).toInstant().toString(), r.getTimestamp(6).toInstant().toString(), r.getBoolean(7)));
                    }
                }
                return out;
            }
        });
    }

    // ---- plumbing ----

    private <T> T read(String what, PostgresConnections.Work<T> work) {
        try {
            return db.transaction(work);
        } catch (SQLException e) {
            throw new UncheckedIOException(sentence(e, "could not " + what), new IOException(e));
        }
    }

    private <T> T write(String what, PostgresConnections.Work<T> work) {
        try {
            return db.transaction(work);
        } catch (SQLException e) {
            throw new Unwritable(sentence(e, "could not " + what), new IOException(e));
        }
    }

    /** A write that only the worker holding the run (or anyone while nobody does) may make. */
    private void fenced(String id, String what, PostgresConnections.Work<Integer> work) {
        int rows = write(what, work);
        if (rows == 0) {
            String holder = read("find who holds run " + id, c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT worker FROM runs WHERE id = ?")) {
                    s.setString(1, id);
                    try (ResultSet r = s.executeQuery()) {
                        return r.next() ? Optional.ofNullable(r.getString(1)).orElse("(none)") : null;
                    }
                }
            });
            throw holder == null ? new Unwritable("There is no run '" + id + "' in " + describe() + ".", new IOException("no such run"))
                    : new LeaseLost("The run " + id + " is held by worker " + holder + " now, not by " + worker
                    + " (its lease ran out); this worker stops training it.");
        }
    }

    private String sentence(SQLException e, String what) {
        return "The PostgreSQL run store at " + db.url() + " " + what + " (" + e.getMessage().split("\n")[0]
                + (PostgresConnections.broken(e) ? "; is the server running and reachable?" : "") + ")";
    }

    private String text(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write " + value.getClass().getSimpleName() + " as JSON.", e);
        }
    }

    private RunStatus parseStatus(String body) {
        return parse(body, RunStatus.class);
    }

    private <T> T parse(String body, Class<T> type) {
        try {
            return json.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("A " + type.getSimpleName() + " record cannot be read (" + e.getOriginalMessage() + ").", e);
        }
    }

    private static List<String> strings(PreparedStatement s) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
