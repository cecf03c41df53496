package org.latentlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.latentlab.api.experiment.SpecException;

/** Where a report goes: into the reports folder, under a name the user may choose but never a path. */
class ReportCommandTest {

    @Test
    void aChosenNameGetsItsExtensionAndAPathIsRefused() {
        assertEquals("cot-vs-coconut.html", ReportCommand.fileName("cot-vs-coconut"));
        assertEquals("mine.html", ReportCommand.fileName("mine.html"));
        for (String path : List.of("../../etc/keys.properties", "/tmp/x.html", "sub/x", "..\\\\x", ".hidden", " ")) {
            SpecException e = assertThrows(SpecException.class, () -> ReportCommand.fileName(path), path);
            assertEquals("latent:report writes into data/latentlab/reports; give --output a file name without a folder, not '" + path + "'.",
                    e.getMessage());
        }
    }

    @Test
    void severalRunsAreNamedAfterTheFirstAndHowManyMore() {
        assertEquals("a", ReportCommand.baseName(List.of("a")));
        assertEquals("compare-a-and-2-more", ReportCommand.baseName(List.of("a", "b", "c")));
    }
}
