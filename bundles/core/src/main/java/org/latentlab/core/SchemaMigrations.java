package org.latentlab.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The PostgreSQL store's schema, versioned: {@code postgresql/V<n>__<what>.sql} beside this class, applied in order at
 * start, each in its own transaction with its row in {@code schema_version}. A transaction-wide advisory lock makes
 * hosts that start together apply each version once. A database whose schema is newer than this platform knows is
 * refused: an older platform must not write into it.
 * <p>
 * Hand-written rather than Flyway: a dozen lines for a linear list of scripts, and no library to fit into OSGi.
 */
final class SchemaMigrations {

    /** The versions this platform knows, in order; each is {@code postgresql/V<n>__<name>.sql}. */
    static final List<String> VERSIONS = List.of("V1__runs.sql");

    /** Any 64-bit number that no other application's advisory lock on this database is likely to use. */
    private static final long LOCK = 0x4c6174656e744cL;

    private SchemaMigrations() {
    }

    /** Applies what is missing; returns the schema's version after. */
    static int apply(PostgresConnections db) throws SQLException {
        int latest = 0;
        for (int i = 0; i < VERSIONS.size(); i++) {
            int version = i + 1;
            String script = script(VERSIONS.get(i));
            latest = db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
                    s.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, script text NOT NULL,"
                            + " applied timestamptz NOT NULL DEFAULT now())");
                    int current;
                    try (ResultSet r = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                        r.next();
                        current = r.getInt(1);
                    }
                    if (current > VERSIONS.size()) {
                        throw new SQLException("The database " + db.url() + " has the run store's schema version " + current
                                + ", newer than this platform's " + VERSIONS.size() + "; upgrade Latent Lab on this host to the"
                                + " version the other hosts run.", "LL001");
                    }
                    if (current >= version) {
                        return current;
                    }
                    s.execute(script);
                    try (var insert = c.prepareStatement("INSERT INTO schema_version (version, script) VALUES (?, ?)")) {
                        insert.setInt(1, version);
                        insert.setString(2, VERSIONS.get(version - 1));
                        insert.executeUpdate();
                    }
                    return version;
                }
            });
        }
        return latest;
    }

    private static String script(String name) {
        try (InputStream in = SchemaMigrations.class.getResourceAsStream("postgresql/" + name)) {
            if (in == null) {
                throw new IllegalStateException("The schema script postgresql/" + name + " is missing from the core bundle.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("The schema script postgresql/" + name + " cannot be read.", e);
        }
    }
}
