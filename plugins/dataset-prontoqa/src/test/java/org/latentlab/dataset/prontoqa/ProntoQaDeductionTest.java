package org.latentlab.dataset.prontoqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.dataset.prontoqa.ParsedProblem.Deduction;
import org.latentlab.dataset.prontoqa.ParsedProblem.ParsedRule;

/**
 * Generated problems read back from their text ({@link ParsedProblem}, which knows nothing of the generator):
 * the steps are a valid chain of modus ponens over the question's rules, the answer is what the rules decide,
 * and the context has ProntoQA's shape and distractors.
 */
class ProntoQaDeductionTest {

    static List<Example> generated(int hops, int count, long seed) {
        return new ProntoQaAdapter().load(new DatasetSpec("prontoqa", count, 0, 0, Map.of("hops", hops)), seed).train();
    }

    @Test
    void everyStepFollowsFromARuleAndTheStepBefore() {
        for (Example e : generated(5, 1000, 20221003L)) {
            checkDeduction(e, 5);
        }
    }

    @Test
    void everyHopCountFromOneToEightGivesThatManyDeductions() {
        for (int hops = 1; hops <= 8; hops++) {
            for (Example e : generated(hops, 150, 100L + hops)) {
                checkDeduction(e, hops);
                checkContext(e, hops);
            }
        }
    }

    @Test
    void theContextHasProntoQasShapeAndDistractors() {
        for (Example e : generated(5, 1000, 20221004L)) {
            checkContext(e, 5);
        }
    }

    @Test
    void everyTextTokenisesIntoWordsAndPunctuation() {
        Set<String> allowed = new HashSet<>(Set.of("Every", "Each", "is", "are", "a", "an", "not", "True", "or", "false", ":", "."));
        allowed.addAll(ProntoQaLexicon.ENTITIES);
        for (String concept : ProntoQaLexicon.concepts(ProntoQaGenerator.conceptsNeeded(ProntoQaOptions.MOST_HOPS))) {
            allowed.add(concept);
            allowed.add(ProntoQaLexicon.plural(concept));
            allowed.add(Character.toUpperCase(concept.charAt(0)) + ProntoQaLexicon.plural(concept).substring(1));
        }
        ProntoQaLexicon.propertyFamilies(ProntoQaGenerator.familiesNeeded(ProntoQaOptions.MOST_HOPS)).forEach(allowed::addAll);
        allowed.add("False");

        Set<String> used = new TreeSet<>();
        for (int hops : new int[] {1, 5, 8}) {
            for (Example e : generated(hops, 300, 7L)) {
                for (String text : texts(e)) {
                    List<String> words = Vocabulary.words(text);
                    assertEquals(text, Vocabulary.join(words), e.id() + ": the tokens do not join back into the text");
                    used.addAll(words);
                }
                List<String> question = Vocabulary.words(e.question());
                int colon = question.lastIndexOf(":");
                assertEquals(List.of("True", "or", "false"), question.subList(colon - 3, colon), e.id());
                assertEquals(".", question.get(question.size() - 1), e.id());
                assertEquals(List.of(e.answer()), Vocabulary.words(e.answer()), e.id());
            }
        }
        Set<String> outside = new TreeSet<>(used);
        outside.removeAll(allowed);
        assertTrue(outside.isEmpty(), "tokens outside the ProntoQA words: " + outside);
        assertTrue(used.containsAll(Set.of(":", ".", "True", "False", "Every", "Each", "an", "not")), "used: " + used);
    }

    /** The steps against the question's rules, and the answer against what the rules decide. */
    static void checkDeduction(Example e, int hops) {
        ParsedProblem p = ParsedProblem.of(e);
        Deduction d = p.deduction();
        assertEquals(hops + 1, e.steps().size(), e.id() + ": steps");
        assertEquals(hops, d.concepts().size(), e.id() + ": the steps prove the entity a member of " + d.concepts());
        assertEquals(hops - 1, d.cited().stream().filter(ParsedRule::subsumption).count(), e.id() + ": subsumptions applied");
        assertEquals(hops, d.cited().size(), e.id() + ": rules applied");
        assertEquals(hops, new HashSet<>(d.concepts()).size(), e.id() + ": the chain visits a concept twice");

        assertEquals(p.property(), d.property(), e.id() + ": the steps conclude about another property than the query's");
        assertEquals(d.negated() == p.queryNegated() ? "True" : "False", e.answer(), e.id() + ": the answer is not the steps' verdict");
        assertEquals(p.truth(), e.answer(), e.id() + ": the answer is not what the rules decide");

        assertEquals(p.entity(), e.extras().get(DeductionChain.ENTITY), e.id());
        assertEquals(d.concepts(), e.extras().get(DeductionChain.CONCEPTS), e.id());
        assertEquals(p.property(), e.extras().get(DeductionChain.PROPERTY), e.id());
        assertEquals(p.queryNegated(), e.extras().get(DeductionChain.NEGATED), e.id());
    }

    /**
     * ProntoQA's shape: 4h + 3 rules and two facts; a distractor at every hop (each concept of the chain has a
     * second parent); a second fact that leads nowhere near the query; one contrasting rule that gives a concept
     * the entity is not the queried property with the other polarity; no other property named twice.
     */
    static void checkContext(Example e, int hops) {
        ParsedProblem p = ParsedProblem.of(e);
        Deduction d = p.deduction();
        assertEquals(4 * hops + 3, p.rules().size(), e.id() + ": rules");
        assertEquals(2 * hops + 1, p.rules().stream().filter(ParsedRule::subsumption).count(), e.id() + ": subsumptions");
        assertEquals(2, p.facts().size(), e.id() + ": facts");
        assertEquals(new HashSet<>(p.rules()).size(), p.rules().size(), e.id() + ": a rule is stated twice");

        Map<String, Integer> parents = new HashMap<>();
        Map<String, Integer> properties = new HashMap<>();
        for (ParsedRule r : p.rules()) {
            if (r.subsumption()) {
                parents.merge(r.concept(), 1, Integer::sum);
            } else {
                properties.merge(r.consequent(), 1, Integer::sum);
            }
        }
        for (String concept : d.concepts()) {
            assertEquals(2, parents.getOrDefault(concept, 0), e.id() + ": " + concept + " has no distractor parent");
        }
        Set<String> other = new HashSet<>(p.factConcepts());
        other.remove(d.concepts().get(0));
        assertEquals(1, other.size(), e.id() + ": the second fact");
        assertFalse(d.concepts().contains(other.iterator().next()), e.id());

        assertEquals(2, properties.get(p.property()), e.id() + ": the queried property is named by the chain and the contrasting rule");
        properties.forEach((property, count) -> {
            if (!property.equals(p.property())) {
                assertEquals(1, count, e.id() + ": the property " + property + " is named twice");
            }
        });
        ParsedRule contrast = p.rules().stream()
                .filter(r -> !r.subsumption() && r.consequent().equals(p.property()) && !d.concepts().contains(r.concept()))
                .findFirst().orElseThrow(() -> new AssertionError(e.id() + ": no contrasting rule"));
        assertNotEquals(d.negated(), contrast.negated(), e.id() + ": the contrasting rule agrees with the chain");
        assertFalse(p.closure().concepts().contains(contrast.concept()), e.id() + ": the contrasting rule's concept is reachable");
        assertTrue(e.question().indexOf(p.facts().get(0)) > e.question().indexOf(p.ruleSentences().get(p.ruleSentences().size() - 1)),
                e.id() + ": the facts come after the rules");
    }

    static List<String> texts(Example e) {
        List<String> texts = new java.util.ArrayList<>(e.steps());
        texts.add(e.question());
        texts.add(e.answer());
        return texts;
    }
}
