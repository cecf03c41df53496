package org.latentlab.dataset.prosqa;

import java.util.List;

/**
 * The symbols of the published ProsQA data: 17 person names for the entities a graph starts from and 38
 * fictional "-pus" concepts (after ProntoQA) for everything else, 55 in all, exactly those of the
 * published validation split.
 */
final class SymbolPool {

    /** Entity names: the nodes without parents. */
    static final List<String> PERSONS = List.of(
            "Alex", "Bob", "Carol", "Davis", "Eva", "Fae", "Gabriel", "Jack", "Max", "Oliver", "Polly", "Rex",
            "Sally", "Sam", "Stella", "Tom", "Wren");

    /** Concept names: every node with a parent. */
    static final List<String> CONCEPTS = List.of(
            "bompus", "boompus", "brimpus", "chorpus", "dumpus", "felpus", "fompus", "gerpus", "gorpus", "grimpus",
            "gwompus", "hilpus", "impus", "jelpus", "jompus", "kerpus", "lempus", "lorpus", "numpus", "quimpus",
            "rempus", "rompus", "rorpus", "scrompus", "shumpus", "sterpus", "storpus", "terpus", "timpus", "tumpus",
            "vumpus", "worpus", "wumpus", "yerpus", "yimpus", "yumpus", "zhorpus", "zumpus");

    /** The words every ProsQA text is built from besides the symbols, punctuation included. */
    static final List<String> FUNCTION_WORDS = List.of("Every", "is", "a", "Is", "or", ".", "?");

    private SymbolPool() {
    }

    static boolean isPerson(String symbol) {
        return !symbol.isEmpty() && Character.isUpperCase(symbol.charAt(0));
    }
}
