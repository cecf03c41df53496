package org.latentlab.probe.frontier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;

/** Small ProsQA-like problems written by hand, with their graphs in the published files' extras. */
final class Problems {

    static final int TOM = 0;
    static final int TERPUS = 1;
    static final int BRIMPUS = 2;
    static final int LEMPUS = 3;
    static final int GERPUS = 4;
    static final int FOMPUS = 5;
    static final int YERPUS = 6;
    static final int SCROMPUS = 7;
    static final int ALEX = 8;
    static final int RORPUS = 9;

    /**
     * Tom → terpus → brimpus → lempus (the target, 3 steps), a longer way Tom → gerpus → fompus → yerpus → lempus, a
     * branch gerpus → rorpus that leads nowhere, and Alex → scrompus (the negative target) → rorpus.
     */
    static final List<String> SYMBOLS = List.of("Tom", "terpus", "brimpus", "lempus", "gerpus", "fompus", "yerpus", "scrompus",
            "Alex", "rorpus");
    static final List<List<Integer>> EDGES = List.of(List.of(0, 1), List.of(0, 4), List.of(1, 2), List.of(2, 3), List.of(4, 5),
            List.of(5, 6), List.of(6, 3), List.of(4, 9), List.of(8, 7), List.of(7, 9));

    static final Example BRANCHED = example("branched", SYMBOLS, EDGES, TOM, LEMPUS, SCROMPUS,
            List.of("Tom is a terpus.", "Every terpus is a brimpus.", "Every brimpus is a lempus."));

    /** Ann → dark wumpus → zumpus (the target), Ann → rempus; Bob → yumpus (the negative target). A two-word name. */
    static final Example SHALLOW = example("shallow", List.of("Ann", "dark wumpus", "zumpus", "rempus", "Bob", "yumpus"),
            List.of(List.of(0, 1), List.of(1, 2), List.of(0, 3), List.of(4, 5)), 0, 2, 5,
            List.of("Ann is a dark wumpus.", "Every dark wumpus is a zumpus."));

    /** No graph in its extras. */
    static final Example PLAIN = new Example("plain", "Every wumpus is a yumpus. Sam is a wumpus. Is Sam a yumpus or rempus?",
            List.of("Sam is a wumpus.", "Every wumpus is a yumpus."), "Sam is a yumpus.", Map.of());

    private Problems() {
    }

    static ProsQaOntology branched() {
        return ProsQaOntology.of(BRANCHED.extras()).orElseThrow();
    }

    static Example example(String id, List<String> symbols, List<List<Integer>> edges, int root, int target, int negTarget,
                           List<String> steps) {
        List<String> facts = new ArrayList<>();
        for (List<Integer> edge : edges) {
            String subject = symbols.get(edge.get(0));
            boolean person = Character.isUpperCase(subject.charAt(0));
            facts.add((person ? subject : "Every " + subject) + " is a " + symbols.get(edge.get(1)) + ".");
        }
        String person = symbols.get(root);
        String question = String.join(" ", facts) + " Is " + person + " a " + symbols.get(target) + " or " + symbols.get(negTarget) + "?";
        Map<String, Object> extras = Map.of(ProsQaOntology.EDGES, edges, ProsQaOntology.IDX_TO_SYMBOL, symbols,
                ProsQaOntology.ROOT, root, ProsQaOntology.TARGET, target, "neg_target", negTarget);
        return new Example(id, question, steps, person + " is a " + symbols.get(target) + ".", extras);
    }
}
