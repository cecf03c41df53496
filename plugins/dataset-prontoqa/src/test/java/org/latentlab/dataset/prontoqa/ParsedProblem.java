package org.latentlab.dataset.prontoqa;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.latentlab.api.data.Example;

/**
 * One problem read back from its text alone, with nothing taken from the generator: the question's rules and
 * facts are parsed from their sentences, what follows from them is computed by forward chaining, and the steps
 * are checked one deduction at a time against the parsed rules.
 */
record ParsedProblem(Example example, List<ParsedRule> rules, List<String> ruleSentences, List<String> facts,
                     String entity, String property, boolean queryNegated) {

    /** A rule of the context: "every {@code concept} is a {@code consequent}", or "... is [not] {@code consequent}". */
    record ParsedRule(String concept, String consequent, boolean subsumption, boolean negated) {
    }

    /** What the entity is, and which properties it has (true) or lacks (false), by forward chaining. */
    record Closure(Set<String> concepts, Set<String> has, Set<String> lacks) {
    }

    /** The steps read as a deduction: the concepts it proves in order, the rules it cites, and its last conclusion. */
    record Deduction(List<String> concepts, List<ParsedRule> cited, String property, boolean negated) {
    }

    private static final String QUERY = " True or false: ";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=\\.) ");
    private static final Pattern SINGULAR_SUBSUMPTION = Pattern.compile("(Every|Each) ([a-z]+) is (a|an) ([a-z]+)\\.");
    private static final Pattern SINGULAR_PROPERTY = Pattern.compile("(Every|Each) ([a-z]+) is (not )?([a-z]+)\\.");
    private static final Pattern PLURAL = Pattern.compile("([A-Z][a-z]+)es are (not )?([a-z]+)\\.");
    private static final Pattern MEMBERSHIP = Pattern.compile("([A-Z][a-z]+) is (a|an) ([a-z]+)\\.");
    private static final Pattern PROPERTY = Pattern.compile("([A-Z][a-z]+) is (not )?([a-z]+)\\.");

    static ParsedProblem of(Example example) {
        String question = example.question();
        int at = question.lastIndexOf(QUERY);
        check(at > 0, example, "the question has no query '" + QUERY.trim() + "'");
        Matcher query = PROPERTY.matcher(question.substring(at + QUERY.length()));
        check(query.matches(), example, "the query does not read '<entity> is [not] <property>.'");

        List<ParsedRule> rules = new ArrayList<>();
        List<String> ruleSentences = new ArrayList<>();
        List<String> facts = new ArrayList<>();
        for (String sentence : SENTENCE_END.split(question.substring(0, at))) {
            ParsedRule rule = rule(sentence);
            if (rule != null) {
                rules.add(rule);
                ruleSentences.add(sentence);
            } else {
                Matcher fact = MEMBERSHIP.matcher(sentence);
                check(fact.matches() && !fact.group(1).equals("Every") && !fact.group(1).equals("Each"), example,
                        "the sentence '" + sentence + "' is neither a rule nor a fact");
                check(fact.group(2).equals(article(fact.group(3))), example, "wrong article in '" + sentence + "'");
                facts.add(sentence);
            }
        }
        return new ParsedProblem(example, rules, ruleSentences, facts, query.group(1), query.group(3), query.group(2) != null);
    }

    /** A rule sentence in any of its three forms; null for a sentence that is not a rule. */
    static ParsedRule rule(String sentence) {
        Matcher m = SINGULAR_SUBSUMPTION.matcher(sentence);
        if (m.matches()) {
            if (!m.group(3).equals(article(m.group(4)))) {
                throw new AssertionError("wrong article in '" + sentence + "'");
            }
            return new ParsedRule(m.group(2), m.group(4), true, false);
        }
        m = SINGULAR_PROPERTY.matcher(sentence);
        if (m.matches()) {
            return new ParsedRule(m.group(2), m.group(4), false, m.group(3) != null);
        }
        m = PLURAL.matcher(sentence);
        if (m.matches()) {
            String concept = m.group(1).toLowerCase(Locale.ROOT);
            String object = m.group(3);
            if (object.endsWith("puses")) {
                if (m.group(2) != null) {
                    throw new AssertionError("a negated subsumption: '" + sentence + "'");
                }
                return new ParsedRule(concept, object.substring(0, object.length() - 2), true, false);
            }
            return new ParsedRule(concept, object, false, m.group(2) != null);
        }
        return null;
    }

    static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /** The concepts the facts name for the entity. */
    Set<String> factConcepts() {
        Set<String> out = new LinkedHashSet<>();
        for (String fact : facts) {
            Matcher m = MEMBERSHIP.matcher(fact);
            check(m.matches() && m.group(1).equals(entity), example, "the fact '" + fact + "' is not about " + entity);
            out.add(m.group(3));
        }
        return out;
    }

    /** Forward chaining over every rule of the context, from the facts. */
    Closure closure() {
        Set<String> concepts = new HashSet<>(factConcepts());
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ParsedRule rule : rules) {
                if (rule.subsumption() && concepts.contains(rule.concept())) {
                    grew |= concepts.add(rule.consequent());
                }
            }
        }
        Set<String> has = new HashSet<>();
        Set<String> lacks = new HashSet<>();
        for (ParsedRule rule : rules) {
            if (!rule.subsumption() && concepts.contains(rule.concept())) {
                (rule.negated() ? lacks : has).add(rule.consequent());
            }
        }
        return new Closure(concepts, has, lacks);
    }

    /** "True" or "False" as the rules decide the query; fails when they decide nothing or both. */
    String truth() {
        Closure closure = closure();
        boolean has = closure.has().contains(property);
        boolean lacks = closure.lacks().contains(property);
        check(has != lacks, example, "the rules " + (has ? "both give and deny " : "neither give nor deny ") + entity + " '" + property + "'");
        return has != queryNegated ? "True" : "False";
    }

    /**
     * The steps checked as a chain of modus ponens: pairs "conclusion. rule." and a last "conclusion."; the first
     * conclusion a fact of the question, each rule a sentence of the question about the concept just concluded,
     * each later conclusion what that rule gives the entity.
     */
    Deduction deduction() {
        List<String> steps = example.steps();
        check(steps.size() >= 2, example, "fewer than two steps");
        List<String> concepts = new ArrayList<>();
        List<ParsedRule> cited = new ArrayList<>();
        ParsedRule pending = null;
        String property = null;
        boolean negated = false;
        for (int s = 0; s < steps.size(); s++) {
            String[] sentences = SENTENCE_END.split(steps.get(s));
            boolean last = s == steps.size() - 1;
            check(sentences.length == (last ? 1 : 2), example, "step " + s + " is not " + (last ? "one conclusion" : "a conclusion and a rule"));
            String conclusion = sentences[0];
            if (s == 0) {
                check(facts.contains(conclusion), example, "the first step does not start from a fact of the question: " + conclusion);
                Matcher m = MEMBERSHIP.matcher(conclusion);
                check(m.matches() && m.group(1).equals(entity), example, "the first conclusion is not about " + entity);
                concepts.add(m.group(3));
            } else if (pending.subsumption()) {
                check(conclusion.equals(entity + " is " + article(pending.consequent()) + " " + pending.consequent() + "."), example,
                        "step " + s + " concludes '" + conclusion + "', which the rule before it does not give");
                concepts.add(pending.consequent());
            } else {
                check(last, example, "a property is concluded before the last step");
                check(conclusion.equals(entity + " is " + (pending.negated() ? "not " : "") + pending.consequent() + "."), example,
                        "step " + s + " concludes '" + conclusion + "', which the rule before it does not give");
                property = pending.consequent();
                negated = pending.negated();
            }
            if (!last) {
                String ruleSentence = sentences[1];
                check(ruleSentences.contains(ruleSentence), example, "step " + s + " cites a rule the question does not state: " + ruleSentence);
                pending = rule(ruleSentence);
                check(pending.concept().equals(concepts.get(concepts.size() - 1)), example,
                        "step " + s + " cites a rule about " + pending.concept() + ", not about " + concepts.get(concepts.size() - 1));
                cited.add(pending);
            }
        }
        check(property != null, example, "the steps never conclude a property");
        return new Deduction(concepts, cited, property, negated);
    }

    private static void check(boolean condition, Example example, String problem) {
        if (!condition) {
            throw new AssertionError(example.id() + ": " + problem + "\n  question: " + example.question() + "\n  steps: " + example.steps());
        }
    }
}
