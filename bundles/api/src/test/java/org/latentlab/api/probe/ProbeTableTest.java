package org.latentlab.api.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A probe drawing figures reads its recorded tables back whatever JSON made of their cells. */
class ProbeTableTest {

    private static final ProbeTable TABLE = new ProbeTable("per step", List.of("step", "value", "word"), List.of(
            List.of(1, 0.5, "wumpus"), List.of("2", "0.25", ""), List.of(3L, "", 7), List.of(4, "n/a"), List.of(5, Double.NaN, "x")));

    @Test
    void aCellReadsAsANumberFromANumberOrAStringOfOne() {
        assertEquals(1.0, TABLE.number(TABLE.rows().get(0), "step"));
        assertEquals(0.25, TABLE.number(TABLE.rows().get(1), "value"), "a number written as a string");
        assertEquals(3.0, TABLE.number(TABLE.rows().get(2), "step"), "a Long");
        assertNull(TABLE.number(TABLE.rows().get(2), "value"), "an empty cell");
        assertNull(TABLE.number(TABLE.rows().get(3), "value"), "a word");
        assertNull(TABLE.number(TABLE.rows().get(3), "word"), "a row that stops short");
        assertNull(TABLE.number(TABLE.rows().get(4), "value"), "NaN is no value");
        assertNull(TABLE.number(TABLE.rows().get(0), "height"), "a column the table lacks");
    }

    @Test
    void aCellReadsAsTextAndAReportFindsItsTableByTitle() {
        assertEquals("wumpus", TABLE.text(TABLE.rows().get(0), "word"));
        assertEquals("7", TABLE.text(TABLE.rows().get(2), "word"));
        assertNull(TABLE.text(TABLE.rows().get(1), "word"));
        assertTrue(TABLE.hasColumns("step", "word"));
        assertFalse(TABLE.hasColumns("step", "height"));
        ProbeReport report = new ProbeReport("p", Map.of(), List.of(new ProbeTable("options", List.of("option"), List.of()), TABLE));
        assertEquals(TABLE, report.table("per step").orElseThrow());
        assertTrue(report.table("layers").isEmpty());
    }
}
