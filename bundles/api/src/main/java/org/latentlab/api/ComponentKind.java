package org.latentlab.api;

/** The kinds of component an experiment is assembled from. */
public enum ComponentKind {
    METHOD, LOSS, DATASET, PROBE, BACKBONE, REWARD;

    /** The lower-case word a user reads, as in "unknown method 'coconat'". */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The plural, as in "the registered losses are". */
    public String plural() {
        return this == LOSS ? "losses" : word() + "s";
    }
}
