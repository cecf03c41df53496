package org.latentlab.dataset.prontoqa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.dataset.prontoqa.ParsedProblem.Deduction;
import org.latentlab.dataset.prontoqa.ParsedProblem.ParsedRule;

/**
 * Shares measured on 2000 generated 5-hop problems, read back from their text, against the rates the generator
 * documents (ProntoQA's own).
 *
 * <p>Tolerance: a share is accepted within four standard errors of its expected rate p over n draws,
 * 4·sqrt(p(1-p)/n); for the answers (p = 1/2, n = 2000) that is ±0.045. A faithful generator fails such a check
 * for about one seed in 16,000; a generator whose answers lean 5 points to one side fails it for most seeds,
 * and one that always (or never) negates the query fails it at once.
 */
class ProntoQaStatisticsTest {

    static final int GENERATED = 2000;
    static List<ParsedProblem> problems;

    @BeforeAll
    static void generate() {
        problems = ProntoQaDeductionTest.generated(5, GENERATED, 20240611L).stream().map(ParsedProblem::of).toList();
    }

    @Test
    void answersAreBalanced() {
        long trueAnswers = problems.stream().filter(p -> p.example().answer().equals("True")).count();
        long falseAnswers = problems.stream().filter(p -> p.example().answer().equals("False")).count();
        assertEquals(GENERATED, trueAnswers + falseAnswers, "every answer is True or False");
        assertShare("answers True", trueAnswers, GENERATED, 0.5);
        // the query is negated independently of the answer: both answers come with and without "not"
        for (boolean negated : new boolean[] {false, true}) {
            for (String answer : List.of("True", "False")) {
                assertTrue(problems.stream().anyMatch(p -> p.queryNegated() == negated && p.example().answer().equals(answer)),
                        "no problem answers " + answer + " to a query " + (negated ? "with" : "without") + " 'not'");
            }
        }
    }

    @Test
    void propertiesAreDeniedAtProntoQasRates() {
        int queried = 0;
        int queriedDenied = 0;
        int passed = 0;
        int passedDenied = 0;
        int distractors = 0;
        int distractorsDenied = 0;
        for (ParsedProblem p : problems) {
            Deduction d = p.deduction();
            queried++;
            queriedDenied += d.negated() ? 1 : 0;
            Set<String> chain = new HashSet<>(d.concepts());
            for (ParsedRule r : p.rules()) {
                if (r.subsumption() || r.consequent().equals(p.property())) {
                    continue;
                }
                if (chain.contains(r.concept())) {
                    passed++;
                    passedDenied += r.negated() ? 1 : 0;
                } else {
                    distractors++;
                    distractorsDenied += r.negated() ? 1 : 0;
                }
            }
        }
        assertEquals(4 * GENERATED, passed, "four chain concepts below the queried one have a property");
        assertEquals(6 * GENERATED, distractors, "five distractor parents and the second fact's concept have a property");
        assertShare("queried property denied", queriedDenied, queried, ProntoQaGenerator.QUERIED_NEGATED);
        assertShare("passed chain property denied", passedDenied, passed, ProntoQaGenerator.PASSED_NEGATED);
        assertShare("distractor property denied", distractorsDenied, distractors, 1.0 / 3);
    }

    @Test
    void rulesTakeTheirThreeFormsAtProntoQasRates() {
        int rules = 0;
        int plural = 0;
        int every = 0;
        for (ParsedProblem p : problems) {
            for (String sentence : p.ruleSentences()) {
                rules++;
                plural += sentence.startsWith("Every ") || sentence.startsWith("Each ") ? 0 : 1;
                every += sentence.startsWith("Every ") ? 1 : 0;
            }
        }
        assertEquals(23 * GENERATED, rules);
        assertShare("plural rules", plural, rules, 0.5);
        assertShare("'Every' among singular rules", every, rules - plural, 0.5);
    }

    @Test
    void everyWordOfTheLexiconIsUsed() {
        Set<String> entities = new HashSet<>();
        Set<String> concepts = new HashSet<>();
        Set<String> properties = new HashSet<>();
        for (ParsedProblem p : problems) {
            entities.add(p.entity());
            for (ParsedRule r : p.rules()) {
                concepts.add(r.concept());
                (r.subsumption() ? concepts : properties).add(r.consequent());
            }
        }
        assertEquals(Set.copyOf(ProntoQaLexicon.ENTITIES), entities);
        assertEquals(Set.copyOf(ProntoQaLexicon.CONCEPTS), concepts, "5-hop problems use ProntoQA's 17 concepts and no other");
        Set<String> all = new HashSet<>();
        ProntoQaLexicon.PROPERTY_FAMILIES.forEach(all::addAll);
        assertEquals(all, properties, "5-hop problems use ProntoQA's properties and no other");
    }

    private static void assertShare(String what, long count, long of, double expected) {
        double share = (double) count / of;
        double limit = 4 * Math.sqrt(expected * (1 - expected) / of);
        assertTrue(Math.abs(share - expected) <= limit, String.format(Locale.ROOT,
                "%s: %.4f of %d, expected %.4f ± %.4f", what, share, of, expected, limit));
    }
}
