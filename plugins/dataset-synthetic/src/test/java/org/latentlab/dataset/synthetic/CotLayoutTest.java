package org.latentlab.dataset.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.method.cot.ChainOfThought;

/**
 * The benchmark's shape claims, checked against the real parts without a backbone: the vocabulary a CoT run builds
 * (the method's special tokens and the words of the training examples, as core's {@code TrainingStep.vocabulary}
 * collects them) and the sequence the cot method trains on ({@code TokenLayout.prompt} then
 * {@code TokenLayout.continuation} over the example's steps, exactly what {@code ExplicitReasoning.forward} packs
 * for {@link ChainOfThought}).
 */
class CotLayoutTest {

    private final SyntheticAdapter adapter = new SyntheticAdapter();

    /** The words a run's vocabulary is built from: questions, steps, answers and the step distributions' words. */
    private static List<String> texts(List<Example> train) {
        List<String> texts = new ArrayList<>();
        for (Example e : train) {
            texts.add(e.question());
            texts.addAll(e.steps());
            texts.add(e.answer());
            if (e.extras().get(Example.STEP_DISTRIBUTIONS) instanceof List<?> steps) {
                for (Object step : steps) {
                    ((Map<?, ?>) step).keySet().forEach(word -> texts.add(String.valueOf(word)));
                }
            }
        }
        return texts;
    }

    private static Vocabulary cotVocabulary(List<Example> train) {
        return Vocabulary.build(new ChainOfThought().specialTokens(), texts(train));
    }

    /** The default training split (1000 examples) gives a CoT vocabulary of exactly 512: 6 reserved + 506 words. */
    @Test
    void aCotRunOnTheDefaultsHasAVocabularyOf512() {
        List<Example> train = adapter.load(new DatasetSpec("synthetic", null, null, null, null), 1L).train();
        assertEquals(1000, train.size());
        assertEquals(List.of(), new ChainOfThought().specialTokens(), "cot adds no special tokens");
        Vocabulary vocabulary = cotVocabulary(train);
        assertEquals(512, vocabulary.size());
        assertEquals(Vocabulary.RESERVED, vocabulary.tokens().subList(0, 6));
        for (int i = 0; i < 506; i++) {
            assertFalse(vocabulary.id(String.format("w%03d", i)) == vocabulary.id(Vocabulary.UNK), "w" + i);
        }
        // with branches the distributions add no words outside the 506, and fewer words shrink it
        assertEquals(512, cotVocabulary(adapter.load(new DatasetSpec("synthetic", 200, 0, 0, Map.of("branches", 3)), 1L).train()).size());
        assertEquals(6 + 100, cotVocabulary(adapter.load(new DatasetSpec("synthetic", 200, 0, 0,
                Map.of("words", 100, "questionTokens", 50)), 1L).train()).size());
    }

    /** CoT's training sequence for one example is Q + S·K + 5 positions: 85 + 6 + 5 = 96 with the defaults. */
    @Test
    void theCotSequenceOfTheDefaultsIs96Positions() {
        List<Example> train = adapter.load(new DatasetSpec("synthetic", 300, 0, 0, null), 5L).train();
        Vocabulary vocabulary = cotVocabulary(train);
        for (Example e : train) {
            assertEquals(96, cotSequence(e, vocabulary).size(), e.id());
        }
        Example first = train.get(0);
        List<Integer> ids = cotSequence(first, vocabulary);
        assertEquals(vocabulary.id(Vocabulary.BOS), ids.get(0));
        assertEquals(vocabulary.id(Vocabulary.SEP), ids.get(86));
        assertEquals(vocabulary.encode(String.join(" ", first.steps())), ids.subList(87, 93));
        assertEquals(List.of(vocabulary.id(Vocabulary.ANSWER), vocabulary.id(first.answer()), vocabulary.id(Vocabulary.EOS)),
                ids.subList(93, 96));
        assertFalse(ids.contains(vocabulary.id(Vocabulary.UNK)));

        // other shapes follow the same count: 61 + 6 × 5 + 5 = 96, and 20 + 4 × 3 + 5 = 37
        assertEquals(96, lengthOf(Map.of("questionTokens", 61, "stepTokens", 5)));
        assertEquals(37, lengthOf(Map.of("words", 50, "questionTokens", 20, "steps", 4, "stepTokens", 3)));
    }

    private int lengthOf(Map<String, Object> options) {
        List<Example> train = adapter.load(new DatasetSpec("synthetic", 20, 0, 0, options), 2L).train();
        Vocabulary vocabulary = cotVocabulary(train);
        int length = cotSequence(train.get(0), vocabulary).size();
        train.forEach(e -> assertEquals(length, cotSequence(e, vocabulary).size(), e.id()));
        return length;
    }

    /** {@code <bos> question <sep> steps <answer> answer <eos>}, as the cot method lays it out. */
    private static List<Integer> cotSequence(Example example, Vocabulary vocabulary) {
        List<Integer> ids = TokenLayout.prompt(example, vocabulary);
        ids.addAll(TokenLayout.continuation(example, example.steps(), vocabulary));
        return ids;
    }
}
