package org.latentlab.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code etc/org.latentlab.store.cfg}: which run store this platform records runs in, the embedded one (files under
 * {@code data/latentlab/runs}, the default) or a PostgreSQL database that several hosts share, and, for the latter, how
 * this host works on the shared queue. Every bad value is refused with one sentence naming the setting and the file.
 */
record StoreConfiguration(String kind, String url, String user, String password, Path artifacts, String worker,
                          SharedQueue.Settings settings, Duration patience) {

    static final String PID = "org.latentlab.store";
    static final String FILE = "etc/" + PID + ".cfg";
    static final String EMBEDDED = "embedded";
    static final String POSTGRESQL = "postgresql";

    boolean shared() {
        return POSTGRESQL.equals(kind);
    }

    /**
     * Reads the settings.
     *
     * @param config           the component's configuration (the core's and the store's together)
     * @param defaultArtifacts where checkpoints go when {@code artifacts} is not set
     */
    static StoreConfiguration from(Map<String, ?> config, Path defaultArtifacts) {
        String kind = text(config, "store", EMBEDDED).toLowerCase(Locale.ROOT);
        if (!kind.equals(EMBEDDED) && !kind.equals(POSTGRESQL)) {
            throw new IllegalArgumentException("store = " + text(config, "store", "") + " in " + FILE + " is not a run store; write"
                    + " store = embedded (files on this host) or store = postgresql (a database several hosts share).");
        }
        String url = text(config, "url", null);
        if (kind.equals(POSTGRESQL) && (url == null || !url.startsWith("jdbc:postgresql:"))) {
            throw new IllegalArgumentException("store = postgresql needs url = jdbc:postgresql://<host>:5432/<database> in " + FILE
                    + (url == null ? "" : ", not '" + url + "'") + ".");
        }
        String artifactsText = text(config, "artifacts", null);
        Path artifacts = artifactsText == null ? defaultArtifacts : Path.of(artifactsText);
        if (!artifacts.isAbsolute()) {
            throw new IllegalArgumentException("artifacts = " + artifactsText + " in " + FILE + " is not an absolute path; give the folder"
                    + " (the same on every host, a shared mount) where runs keep their checkpoints.");
        }
        Duration lease = seconds(config, "lease", 30);
        Duration heartbeat = config.get("heartbeat") == null ? lease.dividedBy(3) : seconds(config, "heartbeat", 10);
        if (heartbeat.compareTo(lease) >= 0) {
            throw new IllegalArgumentException("heartbeat (" + heartbeat.toMillis() / 1000.0 + " s) must be shorter than lease ("
                    + lease.toMillis() / 1000.0 + " s) in " + FILE + ", or every run would be lost between two heartbeats; a third of it is the default.");
        }
        String train = text(config, "train", "true").toLowerCase(Locale.ROOT);
        if (!train.equals("true") && !train.equals("false")) {
            throw new IllegalArgumentException("train = " + train + " in " + FILE + " must be true (this host trains queued runs) or false"
                    + " (it only submits and reads).");
        }
        String worker = text(config, "worker", hostName() + "-" + ProcessHandle.current().pid());
        return new StoreConfiguration(kind, url, text(config, "user", null), text(config, "password", null), artifacts, worker,
                new SharedQueue.Settings(lease, heartbeat, seconds(config, "poll", 2), train.equals("true")), seconds(config, "patience", 120));
    }

    /** Opens the PostgreSQL store (applying its schema's migrations). */
    PostgresRunStore open() {
        try {
            return new PostgresRunStore(new PostgresConnections(url, user, password, patience), artifacts, worker);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("store = postgresql in " + FILE + " needs PostgreSQL's JDBC driver, which is not installed here;"
                    + " install the latentlab-core feature, which brings it (mvn:org.postgresql/postgresql), or write store = embedded.", e);
        }
    }

    /** This host's name, or "localhost" where it cannot be found. */
    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "localhost";
        }
    }

    private static String text(Map<String, ?> config, String key, String fallback) {
        Object value = config.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().strip();
    }

    private static Duration seconds(Map<String, ?> config, String key, double fallback) {
        String value = text(config, key, null);
        double s;
        try {
            s = value == null ? fallback : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (!(s > 0) || s > 86_400) {
            throw new IllegalArgumentException(key + " = " + value + " in " + FILE + " is not a number of seconds; write a positive number"
                    + " like " + (long) fallback + ".");
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
