package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void aThrowawayServerKeepsItsDataAcrossARestartAndLeavesNothingBehind() throws Exception {
        Path folder;
        try (PostgresServer server = PostgresServer.start()) {
            folder = server.folder();
            assertTrue(server.url().matches("jdbc:postgresql://127\\.0\\.0\\.1:\\d+/\\w+"), server.url());
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("select version(), current_user, current_database()")) {
                    assertTrue(r.next());
                    assertTrue(r.getString(1).startsWith("PostgreSQL "), r.getString(1));
                    assertEquals(server.user(), r.getString(2));
                    assertEquals(server.url().substring(server.url().lastIndexOf('/') + 1), r.getString(3));
                }
                s.execute("create table runs (id text primary key, steps int not null)");
                assertEquals(1, s.executeUpdate("insert into runs values ('run-1', 42)"));
            }

            server.stop();
            assertThrows(SQLException.class, server::connect, "the server is stopped");

            server.startAgain();
            try (Connection c = server.connect(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select id, steps from runs")) {
                assertTrue(r.next(), "the row survives a restart");
                assertEquals("run-1", r.getString(1));
                assertEquals(42, r.getInt(2));
                assertFalse(r.next());
            }
        }
        assertFalse(Files.exists(folder), "close deletes the temp folder " + folder);
    }
}
