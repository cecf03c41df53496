package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.probe.ProbeTable;
import org.latentlab.probe.frontier.FrontierValues.NodeValue;

class FrontierValuesTest {

    private static final double EPS = 1e-12;

    @Test
    void cumulativeTopSumsTheLargestValues() {
        List<Double> values = List.of(0.1, 0.5, 0.2, 0.05);
        assertEquals(0.5, FrontierValues.cumulativeTop(values, 1), EPS);
        assertEquals(0.7, FrontierValues.cumulativeTop(values, 2), EPS);
        assertEquals(0.8, FrontierValues.cumulativeTop(values, 3), EPS);
        // a frontier of fewer nodes than n: all of them
        assertEquals(0.3, FrontierValues.cumulativeTop(List.of(0.3), 3), EPS);
        assertEquals(0.0, FrontierValues.cumulativeTop(List.of(), 1), EPS);
    }

    @Test
    void valuesAreAveragedOverExamplesByHeightAndPath() {
        FrontierValues values = new FrontierValues(List.of(1, 2, 5));
        values.add(1, List.of(new NodeValue(1, 0.6, 2, true), new NodeValue(4, 0.2, 1, false)));
        values.add(1, List.of(new NodeValue(1, 0.3, 2, true), new NodeValue(4, 0.1, 1, true), new NodeValue(7, 0.4, 0, false),
                new NodeValue(8, 0.1, 0, false)));
        values.add(2, List.of(new NodeValue(2, 0.9, -1, true)));
        values.add(5, List.of());

        // example 1: 0.6, 0.8, 0.8; example 2: 0.4, 0.7, 0.8
        assertArrayEquals(new double[] {0.5, 0.75, 0.8}, values.meanCumulativeTop(1), EPS);
        assertArrayEquals(new double[] {0.9, 0.9, 0.9}, values.meanCumulativeTop(2), EPS);
        assertNull(values.meanCumulativeTop(5), "an empty frontier is not counted");

        Map<String, Double> scalars = new LinkedHashMap<>();
        values.scalars(scalars);
        assertEquals(0.5, scalars.get("k1.top1"), EPS);
        assertEquals(0.75, scalars.get("k1.top2"), EPS);
        assertEquals(0.8, scalars.get("k1.top3"), EPS);
        assertEquals((0.6 + 0.3 + 0.1) / 3, scalars.get("k1.value.onPath"), EPS);
        assertEquals((0.2 + 0.4 + 0.1) / 3, scalars.get("k1.value.offPath"), EPS);
        assertEquals(0.9, scalars.get("k2.value.onPath"), EPS);
        assertFalse(scalars.containsKey("k2.value.offPath"));
        assertFalse(scalars.containsKey("k5.top1"));

        ProbeTable byHeight = values.byHeight();
        assertEquals(FrontierValues.BY_HEIGHT, byHeight.title());
        assertEquals(List.of("thoughts k", "height", "nodes", "mean value"), byHeight.columns());
        assertEquals(3, byHeight.rows().size(), "k 2's one node has no height");
        assertRow(List.of(1, 0, 2, 0.25), byHeight.rows().get(0));
        assertRow(List.of(1, 1, 2, 0.15), byHeight.rows().get(1));
        assertRow(List.of(1, 2, 2, 0.45), byHeight.rows().get(2));

        ProbeTable top = values.cumulativeTop();
        assertEquals(List.of("thoughts k", "top-1", "top-2", "top-3"), top.columns());
        assertEquals(2, top.rows().size());
        assertRow(List.of(1, 0.5, 0.75, 0.8), top.rows().get(0));
    }

    @Test
    void outputCountsGiveFractionsOfEveryClass() {
        OutputCounts counts = new OutputCounts(List.of(1, 2));
        counts.add(1, OutputClass.CORRECT_PATH);
        counts.add(1, OutputClass.CORRECT_PATH);
        counts.add(1, OutputClass.HALLUCINATION);
        counts.add(1, OutputClass.CORRECT_LABEL);
        Map<String, Double> scalars = new LinkedHashMap<>();
        counts.scalars(scalars);
        assertEquals(0.5, scalars.get("k1.correctPath"), EPS);
        assertEquals(0.25, scalars.get("k1.hallucination"), EPS);
        assertEquals(0.25, scalars.get("k1.correctLabel"), EPS);
        assertEquals(0.0, scalars.get("k1.wrongTarget"), EPS);
        assertEquals(0.0, scalars.get("k2.incorrectLabel"), EPS);
        assertEquals(12, scalars.size());
        ProbeTable table = counts.table();
        assertEquals(List.of("thoughts k", "class", "count", "fraction"), table.columns());
        assertEquals(12, table.rows().size());
        assertEquals(List.of(1, "correct path", 2, 0.5), table.rows().get(0));
    }

    private static void assertRow(List<Object> expected, List<Object> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i) instanceof Double d) {
                assertEquals(d, ((Number) actual.get(i)).doubleValue(), 1e-9, "column " + i);
            } else {
                assertEquals(expected.get(i), actual.get(i), "column " + i);
            }
        }
    }
}
