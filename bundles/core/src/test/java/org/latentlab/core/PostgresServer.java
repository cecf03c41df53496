package org.latentlab.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests: a fresh cluster in a temp folder, on 127.0.0.1 at a free port, trust
 * authentication; as root, its commands run as the {@code postgres} user, since initdb and postgres refuse root.
 */
final class PostgresServer implements AutoCloseable {
    private static final String USER = "latentlab";
    private static final String DATABASE = "latentlab_test";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path folder;
    private final Path data;
    private final Path log;
    private final int port;

    private PostgresServer(Path bin, Path folder, int port) {
        this.bin = bin;
        this.folder = folder;
        this.data = folder.resolve("data");
        this.log = folder.resolve("server.log");
        this.port = port;
    }

    /** Initialises a fresh cluster in a new temp folder, starts it and creates the tests' database. */
    static PostgresServer start() throws IOException, SQLException {
        Path bin = findBinaries();
        Path folder = Files.createTempDirectory("latentlab-postgres-");
        PostgresServer server = new PostgresServer(bin, folder, freePort());
        try {
            if (ROOT) {
                Files.setOwner(folder, folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
            }
            server.run("initdb", "-D", server.data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            Files.writeString(server.data.resolve("postgresql.conf"), String.join("\n", "",
                    "listen_addresses = '127.0.0.1'",
                    "port = " + server.port,
                    "unix_socket_directories = '" + folder + "'",
                    "fsync = off",
                    "synchronous_commit = off",
                    "full_page_writes = off", ""), StandardOpenOption.APPEND);
            server.startAgain();
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            return server;
        } catch (Throwable e) {
            try {
                server.close();
            } catch (IOException | RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /** The JDBC url of the tests' database. */
    String url() {
        return url(DATABASE);
    }

    /** The superuser the tests connect as. */
    String user() {
        return USER;
    }

    /** The password, empty: the server trusts connections from 127.0.0.1. */
    String password() {
        return "";
    }

    /** The temp folder that holds the cluster, its socket and its log. */
    Path folder() {
        return folder;
    }

    /** A new connection to the tests' database, through pgjdbc's driver directly. */
    Connection connect() throws SQLException {
        return connect(DATABASE);
    }

    /** Stops the server (fast shutdown: open sessions are ended) and waits until it has. */
    void stop() throws IOException {
        run("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop");
    }

    /** Starts the server again on the same data and port, and waits until it accepts connections. */
    void startAgain() throws IOException {
        run("pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w", "-t", "60", "start");
    }

    /** Stops the server if it is running (or half started) and deletes the temp folder. */
    @Override
    public void close() throws IOException {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                stop();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A new connection to {@code database}. */
    private Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password());
        return new org.postgresql.Driver().connect(url(database), properties);
    }

    /** The JDBC url of {@code database} on this server. */
    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Runs one of the server's programs (as postgres when we are root) and throws with its output when it fails. */
    private void run(String program, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        if (ROOT) {
            if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
                command.addAll(0, List.of("runuser", "-u", "postgres", "--"));
            } else {
                String line = command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
                command = List.of("su", "-s", "/bin/sh", "postgres", "-c", line);
            }
        }
        Process process = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (process.isAlive() || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output + "\nserver log (tail):\n" + logTail());
        }
    }

    /** The last 30 lines of the server log, or a note that there is none. */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The folder holding initdb, pg_ctl and postgres: from PATH, pg_config --bindir, or the newest /usr/lib/postgresql/N/bin. */
    private static Path findBinaries() {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path initdb = Path.of(dir.isEmpty() ? "." : dir, "initdb");
            try {
                if (Files.isExecutable(initdb)) {
                    candidates.add(initdb.toRealPath().getParent());
                }
            } catch (IOException ignored) {
                // a dangling link: look further
            }
        }
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && !out.isEmpty()) {
                candidates.add(Path.of(out));
            }
        } catch (IOException ignored) {
            // no pg_config
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                    .ifPresent(v -> candidates.add(v.resolve("bin")));
        } catch (IOException ignored) {
            // no Debian layout
        }
        return candidates.stream()
                .filter(d -> Stream.of("initdb", "pg_ctl", "postgres").allMatch(p -> Files.isExecutable(d.resolve(p))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("PostgreSQL's server (initdb, pg_ctl, postgres) is needed for these tests and was "
                        + "found neither on PATH, nor by pg_config --bindir, nor under /usr/lib/postgresql/*/bin; install Debian's "
                        + "postgresql package (see README's prerequisites)."));
    }

    /** A TCP port on loopback that is free now. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
