package org.latentlab.method.cot2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.model.Backbone;

/** Bad options are refused when the spec is submitted, bad examples when they are laid out, each in one sentence. */
class Cot2OptionsTest {

    private final ContinuousChainOfThought method = new ContinuousChainOfThought();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);

    @Test
    void badOptionsAreRefusedAtSubmitInOneSentence() {
        List<String> messages = new ArrayList<>();
        messages.add(check("The cot2 method's option 'feedback' must be \"target\" or \"model\", not teacher.",
                Map.of(Cot2Options.FEEDBACK, "teacher"), 1));
        messages.add(check("The cot2 method's option 'beam' must be a whole number of at least 0, not -1.", Map.of(Cot2Options.BEAM, -1), 1));
        messages.add(check("The cot2 method's option 'beam' must be a whole number of at least 0, not 2.5.", Map.of(Cot2Options.BEAM, 2.5), 1));
        messages.add(check("The cot2 method's option 'decoding' must be \"continuous\" or \"sample\", not greedy.",
                Map.of(Cot2Options.DECODING, "greedy"), 1));
        messages.add(check("The cot2 method's option 'samples' must be a whole number from 1 to 1024, not 0.", Map.of(Cot2Options.SAMPLES, 0), 1));
        messages.add(check("The cot2 method's option 'samples' must be a whole number from 1 to 1024, not three.",
                Map.of(Cot2Options.SAMPLES, "three"), 1));
        messages.add(check("The cot2 method's option 'temperature' must be a positive number, not 0.", Map.of(Cot2Options.TEMPERATURE, 0), 1));
        messages.add(check("The cot2 method's option 'temperature' must be a positive number, not NaN.",
                Map.of(Cot2Options.TEMPERATURE, Double.NaN), 1));
        messages.add(check("The cot2 method's option 'seed' must be a whole number, not 0.5.", Map.of(Cot2Options.SEED, 0.5), 1));
        messages.add(check("The cot2 method needs at least one epoch to train, not 0.", Map.of(), 0));
        for (String message : messages) {
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        }
        // whole numbers may come as any number type from a spec
        Map<String, Object> settings = method.curriculum(Map.of(Cot2Options.BEAM, 3.0, Cot2Options.SEED, 12345678901L,
                Cot2Options.SAMPLES, 4L, Cot2Options.FEEDBACK, "model", Cot2Options.DECODING, "sample", Cot2Options.TEMPERATURE, 2), 2)
                .last().settings();
        assertEquals(Map.of(Cot2Options.FEEDBACK, "model", Cot2Options.BEAM, 3, Cot2Options.DECODING, "sample", Cot2Options.SAMPLES, 4,
                Cot2Options.TEMPERATURE, 2.0, Cot2Options.SEED, 12345678901L), settings);
        assertEquals(Cot2Options.NAMES, method.options());
    }

    @Test
    void examplesTheMethodCannotLayOutAreRefusedInOneSentence() {
        Example good = ContinuousChainOfThoughtTest.E312;
        List<?> distributions = (List<?>) good.extras().get(Example.STEP_DISTRIBUTIONS);
        List<String> messages = new ArrayList<>();
        messages.add(refuse("The cot2 method trains toward step distributions, and example 'bare' has none (extras 'stepDistributions'); "
                + "use a dataset that supplies them, such as mnns.", new Example("bare", good.question(), good.steps(), good.answer(), Map.of())));
        messages.add(refuse("Example 'short' has 1 step distribution but the cot2 method needs one for each of its 2 continuous steps; "
                + "supply a distribution for every step but the last.", with("short", good.steps(), distributions.subList(0, 1))));
        messages.add(refuse("Step 2 of example 'phrase', '3 - 1', is not a single vocabulary word; the cot2 method feeds every step but the "
                + "last as a mixture of token embeddings, so each must be one word of the vocabulary.",
                with("phrase", List.of("3", "3 - 1", "0"), distributions)));
        messages.add(refuse("Step 1 of example 'unknown', '30', is not a single vocabulary word; the cot2 method feeds every step but the "
                + "last as a mixture of token embeddings, so each must be one word of the vocabulary.",
                with("unknown", List.of("30", "2", "0"), distributions)));
        messages.add(refuse("Step distribution 1 of example 'far' holds '30', which is not a single vocabulary word; every word of a step "
                + "distribution must be one token.", with("far", good.steps(), List.of(Map.of("3", 0.5, "30", 0.5), distributions.get(1)))));
        messages.add(refuse("Step distribution 2 of example 'negative' gives '2' the weight -0.25, but a weight must be a finite number "
                + "of at least 0.", with("negative", good.steps(), List.of(distributions.get(0), Map.of("2", -0.25, "4", 1.25)))));
        messages.add(refuse("Step 2 of example 'off', '2', has no weight in its step distribution; the written step must be one of the "
                + "distribution's words.", with("off", good.steps(), List.of(distributions.get(0), Map.of("4", 1.0)))));
        messages.add(refuse("Step distribution 1 of example 'list' must be a map from words to weights, not [3].",
                with("list", good.steps(), List.of(List.of("3"), distributions.get(1)))));
        for (String message : messages) {
            assertTrue(message.endsWith("."), message);
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        }
        // the last step, which the answer replaces, needs no distribution and may be any text
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 1); NDManager m = model.manager().newSubManager()) {
            method.forward(model, new Batch(List.of(with("free", List.of("3", "2", "zero or more"), distributions.subList(0, 2))),
                    vocabulary, m), method.curriculum(Map.of(), 1).last());
        }
    }

    private String check(String expected, Map<String, Object> options, int epochs) {
        String message = assertThrows(IllegalArgumentException.class, () -> method.curriculum(options, epochs)).getMessage();
        assertEquals(expected, message);
        return message;
    }

    private String refuse(String expected, Example example) {
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 1); NDManager m = model.manager().newSubManager()) {
            String message = assertThrows(IllegalArgumentException.class, () -> method.forward(model,
                    new Batch(List.of(ContinuousChainOfThoughtTest.E2413, example), vocabulary, m), method.curriculum(Map.of(), 1).last()))
                    .getMessage();
            assertEquals(expected, message);
            return message;
        }
    }

    private static Example with(String id, List<String> steps, List<?> distributions) {
        return new Example(id, "3 1 2", steps, "0", Map.of(Example.STEP_DISTRIBUTIONS, distributions));
    }
}
