package org.latentlab.reward.prosqa;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * A ProsQA question read as the ontology it states (Coconut paper, appendix A.2): every fact is an "is a" edge, the
 * last sentence asks whether a person is one of two concepts. The facts are written as the published files and the
 * prosqa dataset write them, one sentence each: {@code "Every terpus is a brimpus."} for an edge between concepts,
 * {@code "Tom is a terpus."} for an edge from a person (a capitalised name); the question is
 * {@code "Is Tom a lempus or scrompus?"}. Sentences are compared as {@link Vocabulary#words} tokens, as a model
 * reads and writes them.
 *
 * @param facts   each fact sentence of the question, as tokens, with the edge it states
 * @param person  the person the question asks about
 * @param options the two concepts the question offers, in the order it names them
 */
record ProsQaQuestion(Map<List<String>, Edge> facts, String person, List<String> options) {

    /** One "is a" edge: {@code subject} is a {@code object}. */
    record Edge(String subject, String object) {
    }

    private static final String EVERY = "Every";
    private static final String IS = "is";
    private static final String A = "a";
    private static final String ASK = "Is";
    private static final String OR = "or";
    private static final String FULL_STOP = ".";
    private static final String QUESTION_MARK = "?";

    ProsQaQuestion {
        facts = Map.copyOf(facts);
        options = List.copyOf(options);
    }

    /**
     * Reads the question of an example.
     *
     * @throws IllegalArgumentException when the question is not facts in ProsQA's wording followed by one
     *                                  "Is X a A or B?"
     */
    static ProsQaQuestion of(Example example) {
        List<List<String>> sentences = sentences(Vocabulary.words(example.question()));
        if (sentences.size() < 2) {
            throw notProsQa(example, "it does not hold facts followed by a question");
        }
        Map<List<String>, Edge> facts = new HashMap<>();
        for (List<String> sentence : sentences.subList(0, sentences.size() - 1)) {
            Edge edge = edge(sentence);
            if (edge == null) {
                throw notProsQa(example, "'" + Vocabulary.join(sentence) + "' is not a fact of the form \"Every X is a Y.\" or \"Tom is a Y.\"");
            }
            facts.put(sentence, edge);
        }
        List<String> ask = sentences.get(sentences.size() - 1);
        if (ask.size() != 7 || !ask.get(0).equals(ASK) || !isPerson(ask.get(1)) || !ask.get(2).equals(A)
                || !isConcept(ask.get(3)) || !ask.get(4).equals(OR) || !isConcept(ask.get(5)) || !ask.get(6).equals(QUESTION_MARK)) {
            throw notProsQa(example, "its last sentence '" + Vocabulary.join(ask) + "' is not of the form \"Is Tom a A or B?\"");
        }
        return new ProsQaQuestion(facts, ask.get(1), List.of(ask.get(3), ask.get(5)));
    }

    /**
     * The edge a sentence states in the dataset's wording, or {@code null} when it is not a fact sentence. The stated
     * steps of an answer are read with this too.
     */
    static Edge edge(List<String> sentence) {
        if (sentence.size() == 6 && sentence.get(0).equals(EVERY) && isConcept(sentence.get(1)) && sentence.get(2).equals(IS)
                && sentence.get(3).equals(A) && isConcept(sentence.get(4)) && sentence.get(5).equals(FULL_STOP)) {
            return new Edge(sentence.get(1), sentence.get(4));
        }
        if (sentence.size() == 5 && isPerson(sentence.get(0)) && sentence.get(1).equals(IS) && sentence.get(2).equals(A)
                && isConcept(sentence.get(3)) && sentence.get(4).equals(FULL_STOP)) {
            return new Edge(sentence.get(0), sentence.get(3));
        }
        return null;
    }

    /** The edge a stated step is, when it is word for word one of the question's facts; else {@code null}. */
    Edge fact(List<String> step) {
        return facts.get(step);
    }

    /** The answer sentence the dataset writes for a person and a concept: {@code "Tom is a lempus."}. */
    List<String> answerNaming(String concept) {
        return List.of(person, IS, A, concept, FULL_STOP);
    }

    /** Tokens cut after each full stop or question mark; a last piece without one is a sentence too. */
    static List<List<String>> sentences(List<String> tokens) {
        List<List<String>> sentences = new ArrayList<>();
        List<String> sentence = new ArrayList<>();
        for (String token : tokens) {
            sentence.add(token);
            if (token.equals(FULL_STOP) || token.equals(QUESTION_MARK)) {
                sentences.add(List.copyOf(sentence));
                sentence.clear();
            }
        }
        if (!sentence.isEmpty()) {
            sentences.add(List.copyOf(sentence));
        }
        return sentences;
    }

    /** A person's name: a capitalised word of letters other than the function words "Every" and "Is". */
    private static boolean isPerson(String word) {
        return isWord(word) && Character.isUpperCase(word.charAt(0)) && !word.equals(EVERY) && !word.equals(ASK);
    }

    /** A concept's name: a lower-case word of letters other than the function words "is", "a" and "or". */
    private static boolean isConcept(String word) {
        return isWord(word) && Character.isLowerCase(word.charAt(0)) && !word.equals(IS) && !word.equals(A) && !word.equals(OR);
    }

    private static boolean isWord(String word) {
        return !word.isEmpty() && word.chars().allMatch(Character::isLetter);
    }

    private static IllegalArgumentException notProsQa(Example example, String why) {
        return new IllegalArgumentException("The question of example " + example.id() + " is not in ProsQA's form ("
                + why + "), so the prosqa-verifier cannot check reasoning about it.");
    }
}
