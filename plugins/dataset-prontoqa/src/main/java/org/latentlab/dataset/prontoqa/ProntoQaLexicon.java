package org.latentlab.dataset.prontoqa;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of ProntoQA's fictional ontology (Saparov and He's generator, {@code run_experiment.py} with
 * {@code --ontology fictional}): its 9 entity names, its 17 fictional concept names and its 13 families of
 * mutually exclusive properties. A problem of up to 6 hops uses these and nothing else; deeper problems need
 * more names than ProntoQA has, so they also draw on {@link #MORE_CONCEPTS} and {@link #MORE_PROPERTY_FAMILIES}.
 */
final class ProntoQaLexicon {

    /** The entities a problem is about. */
    static final List<String> ENTITIES = List.of("Fae", "Rex", "Sally", "Max", "Alex", "Sam", "Polly", "Stella", "Wren");

    /** The fictional concepts; every one has the regular plural "-puses". */
    static final List<String> CONCEPTS = List.of(
            "wumpus", "yumpus", "zumpus", "dumpus", "rompus", "numpus", "tumpus", "vumpus", "impus", "jompus", "gorpus",
            "shumpus", "lempus", "sterpus", "grimpus", "lorpus", "brimpus");

    /** Further "-pus" names from ProntoQA's own word list, used only when a problem needs more than {@link #CONCEPTS}. */
    static final List<String> MORE_CONCEPTS = List.of("timpus", "yimpus", "rempus", "fompus", "terpus", "gerpus");

    /**
     * Families of properties: a problem gives each concept with a property its own family, so no two of its
     * rules speak of the same property (the contrasting distractor rule aside).
     */
    static final List<List<String>> PROPERTY_FAMILIES = List.of(
            List.of("blue", "red", "brown", "orange"),
            List.of("small", "large"),
            List.of("metallic", "wooden", "luminous", "liquid"),
            List.of("transparent", "opaque"),
            List.of("nervous", "happy", "feisty", "shy"),
            List.of("bright", "dull"),
            List.of("sweet", "sour", "spicy", "bitter"),
            List.of("floral", "fruity", "earthy"),
            List.of("hot", "cold", "temperate"),
            List.of("kind", "mean", "angry", "amenable", "aggressive"),
            List.of("melodic", "muffled", "discordant", "loud"),
            List.of("slow", "moderate", "fast"),
            List.of("windy", "sunny", "overcast", "rainy", "snowy"));

    /** Families beyond ProntoQA's 13, used only when a problem needs more (from 7 hops on). */
    static final List<List<String>> MORE_PROPERTY_FAMILIES = List.of(
            List.of("striped", "spotted"),
            List.of("heavy", "light"),
            List.of("wet", "dry"),
            List.of("young", "old"));

    private ProntoQaLexicon() {
    }

    /** ProntoQA's concepts, followed by as many further names as a problem that needs {@code needed} concepts lacks. */
    static List<String> concepts(int needed) {
        return extended(CONCEPTS, MORE_CONCEPTS, needed);
    }

    /** ProntoQA's property families, followed by as many further families as a problem that needs {@code needed} lacks. */
    static List<List<String>> propertyFamilies(int needed) {
        return extended(PROPERTY_FAMILIES, MORE_PROPERTY_FAMILIES, needed);
    }

    /** "wumpus" → "wumpuses". */
    static String plural(String concept) {
        return concept + "es";
    }

    private static <T> List<T> extended(List<T> own, List<T> more, int needed) {
        if (needed > own.size() + more.size()) {
            throw new IllegalStateException("The ProntoQA lexicon has " + (own.size() + more.size()) + " entries of a kind where "
                    + needed + " are needed.");
        }
        List<T> out = new ArrayList<>(own);
        out.addAll(more.subList(0, Math.max(0, needed - own.size())));
        return out;
    }
}
