package org.latentlab.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.latentlab.api.experiment.SpecException;

/**
 * This host as a worker of the shared work queue: one thread claims runs from {@link PostgresRunStore} and trains them
 * one at a time; another renews the lease of the run in hand and says the worker is alive. A run whose lease this worker
 * lost (it stalled past the lease and another worker took the run over) is stopped at its next step; a cancel asked for
 * on another host reaches the run at the next renewal.
 */
final class SharedQueue implements AutoCloseable {

    /**
     * How the worker behaves.
     *
     * @param lease     how long a claim lasts without a renewal; a worker silent for longer loses its run
     * @param heartbeat how often the lease is renewed and the worker says it is alive
     * @param poll      how often an idle worker looks for a queued run (a run submitted on this host wakes it at once)
     * @param train     whether this host trains at all (false: it only submits and reads)
     */
    record Settings(Duration lease, Duration heartbeat, Duration poll, boolean train) {
    }

    private final PostgresRunStore store;
    private final Settings settings;
    private final String host;
    private final String device;
    /** Builds the run to train from a claim; throws {@link SpecException} when this host lacks one of its parts. */
    private final Function<PostgresRunStore.Claim, TrainingRun> starter;
    /** Runs this worker could not train (a part missing here), each passed over until the time given. */
    private final Map<String, Instant> passedOver = new ConcurrentHashMap<>();
    private final Object wake = new Object();
    private final Thread worker;
    private final ScheduledExecutorService heartbeats;
    private volatile TrainingRun current;
    private volatile boolean closed;
    /** Runs whose lease this worker lost while training them. */
    private final java.util.Set<String> lost = ConcurrentHashMap.newKeySet();

    SharedQueue(PostgresRunStore store, Settings settings, String host, String device, Function<PostgresRunStore.Claim, TrainingRun> starter) {
        this.store = store;
        this.settings = settings;
        this.host = host;
        this.device = device;
        this.starter = starter;
        this.worker = new Thread(this::work, "latentlab-worker");
        this.worker.setDaemon(true);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "latentlab-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        beat();
        heartbeats.scheduleWithFixedDelay(this::beat, settings.heartbeat().toMillis(), settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        if (settings.train()) {
            worker.start();
        }
    }

    /** Tells an idle worker that a run was queued. */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Whether this worker lost the lease of {@code id} while training it. */
    boolean lost(String id) {
        return lost.contains(id);
    }

    private void work() {
        while (!closed) {
            Optional<PostgresRunStore.Claim> claim;
            try {
                Instant now = Instant.now();
                passedOver.values().removeIf(until -> until.isBefore(now));
                claim = store.claim(settings.lease(), passedOver.keySet());
            } catch (RuntimeException unreachable) {
                claim = Optional.empty();   // the store retried for its patience; look again after a pause
            }
            if (claim.isEmpty()) {
                synchronized (wake) {
                    try {
                        wake.wait(settings.poll().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            train(claim.get());
        }
    }

    private void train(PostgresRunStore.Claim claim) {
        TrainingRun run;
        try {
            run = starter.apply(claim);
        } catch (RuntimeException cannot) {   // a SpecException, an unreadable spec or checkpoint
            // a part this host lacks, or a spec it cannot read: leave the run to a worker that can
            passedOver.put(claim.id(), Instant.now().plus(Duration.ofMinutes(1)));
            releaseQuietly(claim.id());
            return;
        }
        current = run;
        try {
            beat();
            run.run();
        } finally {
            current = null;
            releaseQuietly(claim.id());
            beat();
        }
    }

    /** Renews the lease of the run in hand and records that this worker is alive. */
    private void beat() {
        TrainingRun run = current;
        try {
            if (run != null) {
                PostgresRunStore.Renewal renewal = store.renew(run.id(), settings.lease());
                if (!renewal.held()) {
                    lost.add(run.id());
                    run.abandon();
                } else if (renewal.cancelRequested()) {
                    run.cancel();
                }
            }
            store.heartbeat(host, device, run == null ? null : run.id());
        } catch (RuntimeException unreachable) {
            // the database is away: the next beat tries again, and the lease says how long the run is ours meanwhile
        }
    }

    private void releaseQuietly(String id) {
        try {
            store.release(id);
        } catch (RuntimeException unreachable) {
            // the lease runs out by itself, and the run's state says it has ended
        }
    }

    @Override
    public void close() {
        closed = true;
        TrainingRun run = current;
        if (run != null) {
            run.abandon();   // released below as it stands: another worker continues it from its newest checkpoint
        }
        wake();
        try {
            worker.join(Duration.ofSeconds(60).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
    }
}
