package org.latentlab.probe.frontier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latentlab.probe.frontier.Problems.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ProsQaOntologyTest {

    private final ProsQaOntology graph = branched();

    @Test
    void breadthFirstDepthsGiveTheFrontierAfterKSteps() {
        int[] depths = graph.depths();
        //                  Tom terpus brimpus lempus gerpus fompus yerpus scrompus Alex rorpus
        assertArrayEquals(new int[] {0, 1, 2, 3, 1, 2, 3, -1, -1, 2}, depths);
        assertEquals(List.of(TOM), ProsQaOntology.frontier(depths, 0));
        assertEquals(List.of(TERPUS, GERPUS), ProsQaOntology.frontier(depths, 1));
        assertEquals(List.of(BRIMPUS, FOMPUS, RORPUS), ProsQaOntology.frontier(depths, 2));
        // lempus is 3 steps away by the short way, though 4 by the long one: the shortest distance counts
        assertEquals(List.of(LEMPUS, YERPUS), ProsQaOntology.frontier(depths, 3));
        assertEquals(List.of(), ProsQaOntology.frontier(depths, 4));
    }

    @Test
    void heightIsTheShortestDistanceToALeaf() {
        // leaves: lempus and rorpus; gerpus is one step from rorpus, though three from lempus
        assertArrayEquals(new int[] {2, 2, 1, 0, 1, 2, 1, 1, 2, 0}, graph.heights());
    }

    @Test
    void nodesLeadToTheTargetWhenTheTargetCanBeReachedFromThem() {
        boolean[] on = graph.leadsToTarget();
        assertTrue(on[TERPUS] && on[GERPUS] && on[BRIMPUS] && on[FOMPUS] && on[YERPUS] && on[LEMPUS] && on[TOM]);
        assertFalse(on[RORPUS] || on[SCROMPUS] || on[ALEX]);
    }

    @Test
    void namesAndEdgesAreLookedUp() {
        assertEquals(TERPUS, graph.node(List.of("terpus")));
        assertEquals(-1, graph.node(List.of("wumpus")));
        assertTrue(graph.hasEdge(TOM, TERPUS));
        assertFalse(graph.hasEdge(TERPUS, TOM));
        ProsQaOntology shallow = ProsQaOntology.of(SHALLOW.extras()).orElseThrow();
        assertEquals(1, shallow.node(List.of("dark", "wumpus")));
        assertEquals(-1, shallow.node(List.of("wumpus")));
    }

    @Test
    void extrasWithoutAGraphGiveNone() {
        assertTrue(ProsQaOntology.of(Map.of()).isEmpty());
        for (String key : List.of(ProsQaOntology.EDGES, ProsQaOntology.IDX_TO_SYMBOL, ProsQaOntology.ROOT, ProsQaOntology.TARGET)) {
            Map<String, Object> extras = new HashMap<>(BRANCHED.extras());
            extras.remove(key);
            assertTrue(ProsQaOntology.of(extras).isEmpty(), key);
        }
        Map<String, Object> outside = new HashMap<>(BRANCHED.extras());
        outside.put(ProsQaOntology.EDGES, List.of(List.of(0, 10)));
        assertTrue(ProsQaOntology.of(outside).isEmpty());
        Map<String, Object> fractional = new HashMap<>(BRANCHED.extras());
        fractional.put(ProsQaOntology.ROOT, 0.5);
        assertTrue(ProsQaOntology.of(fractional).isEmpty());
        // numbers as a JSON reader gives them
        Map<String, Object> read = new HashMap<>(BRANCHED.extras());
        read.put(ProsQaOntology.ROOT, 0L);
        read.put(ProsQaOntology.TARGET, 3.0);
        read.put(ProsQaOntology.EDGES, List.of(List.of(0L, 1L), List.of(1L, 3L)));
        ProsQaOntology small = ProsQaOntology.of(read).orElseThrow();
        assertEquals(LEMPUS, small.target());
        assertEquals(2, small.depths()[LEMPUS]);
    }
}
