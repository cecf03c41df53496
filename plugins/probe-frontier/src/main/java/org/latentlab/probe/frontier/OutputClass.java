package org.latentlab.probe.frontier;

/** What a model writes when forced back into language after k thoughts (the Coconut paper, §5.1, Fig. 4). */
enum OutputClass {
    /** A shortest path from the root to the target. */
    CORRECT_PATH("correct path", "correctPath"),
    /** A path of existing edges to the target, longer than the shortest. */
    LONGER_PATH("longer path", "longerPath"),
    /** An edge the graph does not have, a break in the chain, or text that states no edge. */
    HALLUCINATION("hallucination", "hallucination"),
    /** A path of existing edges that ends at a node other than the target. */
    WRONG_TARGET("wrong target", "wrongTarget"),
    /** No reasoning written, and the right answer. */
    CORRECT_LABEL("correct label", "correctLabel"),
    /** No reasoning written, and a wrong or missing answer. */
    INCORRECT_LABEL("incorrect label", "incorrectLabel");

    private final String label;
    private final String key;

    OutputClass(String label, String key) {
        this.label = label;
        this.key = key;
    }

    /** The name in the paper's words, as the "outputs" table writes it. */
    String label() {
        return label;
    }

    /** The scalar name's suffix: {@code k<k>.<key>}. */
    String key() {
        return key;
    }
}
