package org.latentlab.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Connections to one PostgreSQL database, reused, each piece of work in one transaction. A connection that breaks (the
 * server restarts, the network drops) is thrown away and the work tried again on a new one until {@code patience}
 * runs out, so that a database restart costs the platform a pause, not a record.
 * <p>
 * Hand-written rather than a pooling library: the platform keeps a few connections (the trainer, the heartbeat, the
 * shell and the dashboard), and what it needs most, the retry across a restart, is its own decision either way.
 */
final class PostgresConnections implements AutoCloseable {

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String url;
    private final Properties properties = new Properties();
    private final long patienceMillis;
    private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    PostgresConnections(String url, String user, String password, java.time.Duration patience) {
        this.url = url;
        if (user != null && !user.isBlank()) {
            properties.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "Latent Lab");
        this.patienceMillis = patience.toMillis();
    }

    String url() {
        return url;
    }

    /**
     * Runs {@code work} in a transaction and commits it. A broken connection is retried on a new one, waiting 0.2 s at
     * first and up to 5 s between tries, for as long as the patience allows; any other failure rolls back and is thrown.
     */
    <T> T transaction(Work<T> work) throws SQLException {
        long deadline = System.currentTimeMillis() + patienceMillis;
        long pause = 200;
        while (true) {
            Connection connection = null;
            try {
                connection = borrow();
                T result;
                try {
                    result = work.run(connection);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection);
                    throw e;
                }
                idle.push(connection);
                return result;
            } catch (SQLException e) {
                closeQuietly(connection);
                if (!broken(e) || closed || System.currentTimeMillis() + pause > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = Math.min(5000, pause * 2);
            } catch (RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
        }
    }

    /** Whether the failure is the connection's (class 08, or the server shutting down or starting: 57P01-57P03). */
    static boolean broken(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private Connection borrow() throws SQLException {
        Connection c;
        while ((c = idle.poll()) != null) {
            if (!c.isClosed()) {
                return c;
            }
        }
        if (closed) {
            throw new SQLException("The connections to " + url + " are closed.", "08003");
        }
        c = new org.postgresql.Driver().connect(url, properties);
        if (c == null) {
            throw new SQLException("'" + url + "' is not a PostgreSQL JDBC url; write it as jdbc:postgresql://host:5432/database.", "08001");
        }
        c.setAutoCommit(false);
        return c;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the caller decides what to do with the failure it has
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            closeQuietly(c);
        }
    }
}
