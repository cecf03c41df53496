package org.latentlab.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentlab.api.experiment.SpecException;

class DataRootsTest {

    @TempDir
    Path temp;

    @Test
    void aFileInsideARootIsAllowedAndOneOutsideIsRefusedWithOneSentence() throws Exception {
        Path root = Files.createDirectories(temp.resolve("data"));
        Path inside = Files.writeString(root.resolve("valid.json"), "[]");
        Path outside = Files.writeString(temp.resolve("secret.txt"), "x");
        DataRoots roots = DataRoots.of(List.of(root));
        assertTrue(roots.allows(inside, null));
        assertTrue(roots.allows(root.resolve("sub/not-yet.json"), null), "a file that does not exist yet is judged by its path");
        assertFalse(roots.allows(outside, null));
        SpecException e = assertThrows(SpecException.class, () -> roots.check("The evaluation file 'x'", outside, null));
        assertEquals("The evaluation file 'x' at " + outside.toRealPath() + " is outside the allowed data roots (" + root.toRealPath()
                + "); move it under one of them or add its folder to dataRoots in etc/org.latentlab.core.cfg.", e.getMessage());
    }

    @Test
    void traversalIsResolvedBeforeComparing() throws Exception {
        Path root = Files.createDirectories(temp.resolve("data"));
        Files.writeString(temp.resolve("secret.txt"), "x");
        DataRoots roots = DataRoots.of(List.of(root));
        assertFalse(roots.allows(root.resolve("../secret.txt"), null));
        assertFalse(roots.allows(root.resolve("missing/../../secret.txt"), null), "through a folder that does not exist");
        assertFalse(roots.allows(root.resolve("../data-sibling/x.json"), null), "a sibling whose name starts like the root");
        assertTrue(roots.allows(root.resolve("a/../b.json"), null));
    }

    @Test
    void aLinkOutOfARootIsJudgedByWhereItLeads() throws Exception {
        Path root = Files.createDirectories(temp.resolve("data"));
        Path elsewhere = Files.createDirectories(temp.resolve("elsewhere/deep"));
        Files.writeString(elsewhere.resolve("x.json"), "[]");
        Files.createSymbolicLink(root.resolve("link"), elsewhere);
        DataRoots roots = DataRoots.of(List.of(root));
        assertFalse(roots.allows(root.resolve("link/x.json"), null), "a link to a file outside");
        assertFalse(roots.allows(root.resolve("link/missing.json"), null), "a missing file below a link outside");
        assertFalse(roots.allows(root.resolve("link/../x.json"), null), "the link's parent, as the system resolves it");
        assertTrue(DataRoots.of(List.of(root.resolve("link"))).allows(elsewhere.resolve("x.json"), null),
                "a root that is a link allows what lies under its target");
    }

    @Test
    void theConfiguredListWinsOverThePropertyAndItsEntriesMustBeAbsolute() throws Exception {
        Path a = Files.createDirectories(temp.resolve("a"));
        Path b = Files.createDirectories(temp.resolve("b"));
        String before = System.getProperty(DataRoots.PROPERTY);
        try {
            System.setProperty(DataRoots.PROPERTY, b.toString());
            DataRoots configured = DataRoots.from(" " + a + " , ");
            assertTrue(configured.allows(a.resolve("x.json"), null));
            assertFalse(configured.allows(b.resolve("x.json"), null));
            assertFalse(configured.allows(temp.resolve("spec/x.json"), temp.resolve("spec")), "configured roots allow no spec folder");
            DataRoots property = DataRoots.from(null);
            assertTrue(property.allows(b.resolve("x.json"), null));
            assertFalse(property.allows(a.resolve("x.json"), null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataRoots.from("data/relative"));
            assertEquals("The data root 'data/relative' is not an absolute path; fix dataRoots in etc/org.latentlab.core.cfg.",
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(DataRoots.PROPERTY);
            } else {
                System.setProperty(DataRoots.PROPERTY, before);
            }
        }
    }

    @Test
    void theDefaultsAreHomeTempAndTheSpecFolder() throws Exception {
        String before = System.getProperty(DataRoots.PROPERTY);
        System.clearProperty(DataRoots.PROPERTY);
        try {
            DataRoots defaults = DataRoots.from(null);
            assertTrue(defaults.allows(Path.of(System.getProperty("user.home"), "data", "x.json"), null));
            assertTrue(defaults.allows(Path.of(System.getProperty("java.io.tmpdir"), "x.json"), null));
            Path specs = Path.of("/latentlab-no-such-root/specs");
            assertFalse(defaults.allows(specs.resolve("data/x.json"), null));
            assertTrue(defaults.allows(specs.resolve("data/x.json"), specs), "below the spec's folder");
            assertFalse(defaults.allows(specs.resolve("../x.json"), specs), "not above it");
        } finally {
            if (before != null) {
                System.setProperty(DataRoots.PROPERTY, before);
            }
        }
    }
}
