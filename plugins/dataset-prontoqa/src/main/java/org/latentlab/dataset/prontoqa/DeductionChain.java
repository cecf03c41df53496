package org.latentlab.dataset.prontoqa;

import java.util.List;
import java.util.Map;

/**
 * What one problem asks and the chain that settles it, as {@link org.latentlab.api.data.Example#extras()}
 * carries it (plain strings, a list of strings and a boolean).
 *
 * @param entity   the entity the problem is about: "Stella"
 * @param concepts the concepts the steps prove the entity to be, in order: the one a fact of the question names
 *                 first, then one per subsumption rule applied; as many as the problem's hops
 * @param property the property the query asks about: "floral"
 * @param negated  whether the query denies the property: "True or false: Stella is not floral."
 */
record DeductionChain(String entity, List<String> concepts, String property, boolean negated) {

    /** Keys of {@link org.latentlab.api.data.Example#extras()}. */
    static final String ENTITY = "entity";
    static final String CONCEPTS = "concepts";
    static final String PROPERTY = "property";
    static final String NEGATED = "negated";

    DeductionChain {
        concepts = List.copyOf(concepts);
    }

    Map<String, Object> extras() {
        return Map.of(ENTITY, entity, CONCEPTS, concepts, PROPERTY, property, NEGATED, negated);
    }
}
