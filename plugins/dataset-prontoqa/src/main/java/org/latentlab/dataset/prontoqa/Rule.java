package org.latentlab.dataset.prontoqa;

/**
 * One rule of a problem's context, in ProntoQA's two kinds: a subsumption, "every {@code concept} is a
 * {@code consequent}", or a property, "every {@code concept} is [not] {@code consequent}".
 *
 * @param concept     the concept the rule is about
 * @param consequent  the parent concept of a subsumption, or the property
 * @param subsumption whether the consequent is a concept rather than a property
 * @param negated     whether the property is denied ("is not"); always false for a subsumption
 */
record Rule(String concept, String consequent, boolean subsumption, boolean negated) {

    Rule {
        if (subsumption && negated) {
            throw new IllegalArgumentException("A ProntoQA subsumption rule is never negated: " + concept + " → " + consequent + ".");
        }
    }

    /** "Every {@code concept} is a {@code parent}." */
    static Rule subsumption(String concept, String parent) {
        return new Rule(concept, parent, true, false);
    }

    /** "Every {@code concept} is [not] {@code property}." */
    static Rule property(String concept, String property, boolean negated) {
        return new Rule(concept, property, false, negated);
    }
}
