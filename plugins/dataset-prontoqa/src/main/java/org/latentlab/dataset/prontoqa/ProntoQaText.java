package org.latentlab.dataset.prontoqa;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ProntoQA's sentences. A rule reads in one of three forms, drawn as ProntoQA's {@code formula_to_clause}
 * draws them: plural half of the time ("Zumpuses are gorpuses.", "Wumpuses are not bitter."), otherwise
 * singular with "Every" or "Each" alike ("Every lorpus is floral.", "Each yumpus is a lorpus."). What is known
 * of the entity reads "Stella is a zumpus." and "Stella is not floral."; the query "True or false: Stella is
 * not floral." As ProntoQA's {@code inflect} does, "a" becomes "an" before a vowel: "Stella is an impus."
 */
final class ProntoQaText {

    /** The surface form of a rule. */
    enum Form { PLURAL, EVERY, EACH }

    static final String QUERY = "True or false: ";

    private static final Pattern QUERY_AT_END = Pattern.compile("(?:^|\\s)True or false: (\\S+) is (not )?(\\S+)\\.$");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=\\.)\\s+");
    private static final Pattern MEMBERSHIP = Pattern.compile("(\\S+) is an? (\\S+)\\.");

    private ProntoQaText() {
    }

    static Form form(Random random) {
        if (random.nextBoolean()) {
            return Form.PLURAL;
        }
        return random.nextBoolean() ? Form.EVERY : Form.EACH;
    }

    static String rule(Rule rule, Form form) {
        boolean plural = form == Form.PLURAL;
        String subject = switch (form) {
            case PLURAL -> capitalised(ProntoQaLexicon.plural(rule.concept()));
            case EVERY -> "Every " + rule.concept();
            case EACH -> "Each " + rule.concept();
        };
        String object = rule.subsumption()
                ? (plural ? ProntoQaLexicon.plural(rule.consequent()) : article(rule.consequent()) + " " + rule.consequent())
                : (rule.negated() ? "not " : "") + rule.consequent();
        return subject + (plural ? " are " : " is ") + object + ".";
    }

    /** "Stella is a zumpus." */
    static String membership(String entity, String concept) {
        return entity + " is " + article(concept) + " " + concept + ".";
    }

    /** "a", or "an" before a vowel. */
    static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }

    /** "Stella is floral." or "Stella is not floral." */
    static String property(String entity, String property, boolean negated) {
        return entity + " is " + (negated ? "not " : "") + property + ".";
    }

    /** "True or false: Stella is not floral." */
    static String query(String entity, String property, boolean negated) {
        return QUERY + property(entity, property, negated);
    }

    /**
     * Reads the chain back from a problem's text: the entity, property and negation from the query the question
     * ends with, the concepts from the steps' sentences "Stella is a zumpus." in order; empty when the question does not
     * end with a query.
     */
    static Optional<DeductionChain> chain(String question, List<String> steps) {
        Matcher query = QUERY_AT_END.matcher(question);
        if (!query.find()) {
            return Optional.empty();
        }
        String entity = query.group(1);
        List<String> concepts = new ArrayList<>();
        for (String step : steps) {
            for (String sentence : SENTENCE_END.split(step.trim())) {
                Matcher membership = MEMBERSHIP.matcher(sentence);
                if (membership.matches() && membership.group(1).equals(entity)) {
                    concepts.add(membership.group(2));
                }
            }
        }
        return Optional.of(new DeductionChain(entity, concepts, query.group(3), query.group(2) != null));
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
