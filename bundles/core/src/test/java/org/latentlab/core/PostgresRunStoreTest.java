package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL run store on a real server: the contract, its schema, and the shared queue's claims and leases. */
class PostgresRunStoreTest extends RunStoreContract {

    private static PostgresServer server;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    @TempDir
    Path artifacts;

    private final List<PostgresRunStore> opened = new ArrayList<>();
    private String database;

    @BeforeAll
    static void startServer() throws Exception {
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(PostgresRunStore::close);
    }

    @Override
    RunStore store() {
        return open("worker-a");
    }

    /** A store on this test's own database (made on first use), as worker {@code worker}. */
    private PostgresRunStore open(String worker) {
        try {
            if (database == null) {
                database = "store_" + DATABASES.incrementAndGet();
                try (Connection c = server.connect(); Statement s = c.createStatement()) {
                    c.setAutoCommit(true);
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        String url = server.url().substring(0, server.url().lastIndexOf('/') + 1) + database;
        PostgresRunStore store = new PostgresRunStore(new PostgresConnections(url, server.user(), server.password(), Duration.ofSeconds(30)),
                artifacts, worker);
        opened.add(store);
        return store;
    }

    private static String queued(RunStore store, String name) {
        String id = store.newRun(name);
        store.put(id, RunStore.SPEC, Map.of("name", name));
        store.writeStatus(RunStatus.queued(id, name, "cot"));
        return id;
    }

    @Test
    void theSchemaIsAppliedOnceAndANewerOneIsRefused() throws Exception {
        PostgresRunStore first = open("worker-a");
        open("worker-b");   // a second host starting on the same database
        String url = server.url().substring(0, server.url().lastIndexOf('/') + 1) + database;
        try (PostgresConnections db = new PostgresConnections(url, server.user(), server.password(), Duration.ofSeconds(5))) {
            assertEquals(List.of(1), db.transaction(c -> {
                List<Integer> versions = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
                    while (r.next()) {
                        versions.add(r.getInt(1));
                    }
                }
                return versions;
            }));
            db.transaction(c -> c.createStatement().executeUpdate("INSERT INTO schema_version (version, script) VALUES (99, 'V99__future.sql')"));
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> open("worker-c"));
        assertTrue(refused.getMessage().contains("schema version 99, newer than this platform's 1; upgrade Latent Lab"), refused.getMessage());
        assertTrue(first.list().isEmpty(), "the store that was open goes on");
    }

    @Test
    void twoWorkersClaimingAtOnceTakeEveryQueuedRunExactlyOnceInOrder() throws Exception {
        PostgresRunStore a = open("worker-a");
        PostgresRunStore b = open("worker-b");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(queued(a, "run " + i));
        }
        assertEquals(ids, a.queue(), "the queue is the order of submission");
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (PostgresRunStore worker : List.of(a, b)) {
                done.add(pool.submit((Callable<Integer>) () -> {
                    int n = 0;
                    for (var c = worker.claim(Duration.ofMinutes(1), List.of()); c.isPresent(); c = worker.claim(Duration.ofMinutes(1), List.of())) {
                        claimed.add(c.get().id());
                        assertEquals(1, c.get().attempt());
                        worker.writeStatus(c.get().previous().with(RunState.RUNNING, "training"));
                        n++;
                    }
                    return n;
                }));
            }
            assertEquals(8, done.get(0).get() + done.get(1).get());
        } finally {
            pool.shutdown();
        }
        assertEquals(8, claimed.size(), "no run claimed twice: " + claimed);
        assertEquals(ids.stream().sorted().toList(), claimed.stream().sorted().toList());
        assertTrue(a.queue().isEmpty());
    }

    @Test
    void aRunWhoseLeaseRanOutIsTakenOverAndItsFormerWorkerCanNoLongerWriteIt() throws Exception {
        PostgresRunStore a = open("worker-a");
        PostgresRunStore b = open("worker-b");
        String id = queued(a, "long");
        PostgresRunStore.Claim first = a.claim(Duration.ofMillis(300), List.of()).orElseThrow();
        a.writeStatus(first.previous().with(RunState.RUNNING, "training"));
        assertTrue(a.renew(id, Duration.ofMillis(300)).held());
        assertTrue(b.claim(Duration.ofMinutes(1), List.of()).isEmpty(), "a run under lease is nobody else's");
        Thread.sleep(600);   // worker a goes silent past its lease

        PostgresRunStore.Claim taken = b.claim(Duration.ofMinutes(1), List.of()).orElseThrow();
        assertEquals(id, taken.id());
        assertEquals("worker-a", taken.takenFrom());
        assertEquals(2, taken.attempt());
        assertFalse(a.renew(id, Duration.ofMinutes(1)).held(), "worker a learns at its next renewal");
        PostgresRunStore.LeaseLost refused = assertThrows(PostgresRunStore.LeaseLost.class,
                () -> a.append(id, RunStore.METRICS, Map.of("step", 9)));
        assertTrue(refused.getMessage().contains("held by worker worker-b now"), refused.getMessage());
        assertThrows(PostgresRunStore.LeaseLost.class, () -> a.writeStatus(first.previous().with(RunState.FAILED, "late")));
        b.writeStatus(taken.previous().with(RunState.RUNNING, "continues"));
        assertEquals("continues", a.status(id).orElseThrow().message(), "every host reads what the holder wrote");

        assertTrue(a.requestCancel(id));
        assertTrue(b.renew(id, Duration.ofMinutes(1)).cancelRequested(), "a cancel asked for anywhere reaches the holder");
        b.release(id);
        assertTrue(a.claim(Duration.ofMinutes(1), List.of(id)).isEmpty(), "a run passed over is not claimed");
    }

    @Test
    void workersAreListedWithTheirRunAndWhetherTheyAreAlive() throws Exception {
        PostgresRunStore a = open("worker-a");
        PostgresRunStore b = open("worker-b");
        a.heartbeat("host-1", "cpu()", "run-1");
        b.heartbeat("host-2", "gpu(0)", null);
        var workers = a.workers(Duration.ofMinutes(1));
        assertEquals(List.of("worker-a", "worker-b"), workers.stream().map(w -> w.id()).toList());
        assertEquals("run-1", workers.get(0).run());
        assertEquals("gpu(0)", workers.get(1).device());
        assertTrue(workers.get(0).alive());
        Thread.sleep(50);
        assertFalse(a.workers(Duration.ofMillis(10)).get(0).alive(), "silent for longer than the lease");
    }

    @Test
    void aDatabaseRestartInTheMiddleOfWritingLosesNothing() throws Exception {
        PostgresRunStore a = open("worker-a");
        String id = queued(a, "through a restart");
        server.stop();
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(1500);
                server.startAgain();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        restart.start();
        for (int step = 1; step <= 3; step++) {
            a.append(id, RunStore.METRICS, Map.of("step", step));   // waits for the server, then writes
        }
        restart.join();
        assertEquals(3, a.lines(id, RunStore.METRICS, Map.class).size());
        assertEquals(RunState.QUEUED, a.status(id).orElseThrow().state());
    }
}
