package org.latentlab.method.latentseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;

/** Bad options are refused in one sentence that names the option, when the spec is submitted and when a search reads them. */
class OptionsTest {

    @Test
    void latentSeekRefusesBadOptionsInOneSentence() {
        LatentSeek method = new LatentSeek();
        check(method, "The latentseek method has no option 'rho'; its options are baseline, fraction, iterations, learningRate, threshold.",
                Map.of("rho", 0.2));
        check(method, "The latentseek method's option 'fraction' must be a number above 0 and at most 1, not 0.", Map.of("fraction", 0));
        check(method, "The latentseek method's option 'fraction' must be a number above 0 and at most 1, not 1.5.", Map.of("fraction", 1.5));
        check(method, "The latentseek method's option 'fraction' must be a number above 0 and at most 1, not a lot.",
                Map.of("fraction", "a lot"));
        check(method, "The latentseek method's option 'iterations' must be a whole number of at least 0, not 2.5.", Map.of("iterations", 2.5));
        check(method, "The latentseek method's option 'iterations' must be a whole number of at least 0, not -1.", Map.of("iterations", -1));
        check(method, "The latentseek method's option 'learningRate' must be a positive number, not 0.", Map.of("learningRate", 0));
        check(method, "The latentseek method's option 'threshold' must be a finite number, not NaN.", Map.of("threshold", Double.NaN));
        check(method, "The latentseek method's option 'baseline' must be a finite number, not true.", Map.of("baseline", true));
        assertEquals(Map.of("fraction", 0.5, "iterations", 3, "learningRate", 0.1, "threshold", 0.0, "baseline", 0.5),
                method.curriculum(Map.of("fraction", 0.5, "iterations", 3L, "learningRate", 0.1, "threshold", 0, "baseline", 0.5f), 1)
                        .last().settings());
        assertEquals(Map.of("fraction", 0.2, "iterations", 10, "learningRate", 0.03, "threshold", 1.0, "baseline", 1.0),
                method.curriculum(Map.of(), 1).last().settings());
        assertEquals(LatentSeekOptions.NAMES, method.options());
    }

    @Test
    void bestOfNRefusesBadOptionsInOneSentence() {
        BestOfN method = new BestOfN();
        check(method, "The best-of-n method has no option 'n'; its options are samples, seed, temperature, threshold.", Map.of("n", 4));
        check(method, "The best-of-n method's option 'samples' must be a whole number of at least 1, not 0.", Map.of("samples", 0));
        check(method, "The best-of-n method's option 'samples' must be a whole number of at least 1, not eleven.", Map.of("samples", "eleven"));
        check(method, "The best-of-n method's option 'temperature' must be a positive number, not -1.0.", Map.of("temperature", -1.0));
        check(method, "The best-of-n method's option 'threshold' must be a finite number, not Infinity.",
                Map.of("threshold", Double.POSITIVE_INFINITY));
        check(method, "The best-of-n method's option 'seed' must be a whole number, not 0.5.", Map.of("seed", 0.5));
        assertEquals(Map.of("samples", 11, "temperature", 1.0, "threshold", 1.0, "seed", 0L), method.curriculum(Map.of(), 1).last().settings());
        assertEquals(BestOfNOptions.NAMES, method.options());
    }

    /** A stage whose settings were overridden after submission is checked again when the search reads it. */
    @Test
    void theSearchChecksTheStageItIsGiven() {
        Vocabulary vocabulary = Mnns.vocabulary(10);
        LatentSeek method = new LatentSeek();
        CurriculumStage stage = method.curriculum(Map.of(), 1).last().withSettings(Map.of("iterations", -2));
        try (Backbone model = Mnns.backbone(vocabulary, 16, 1, 1); NDManager m = model.manager().newSubManager()) {
            Batch batch = new Batch(List.of(LatentSeekTest.E312), vocabulary, m);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> method.search(model, batch, stage, LatentSeekTest.DECODING, (example, answer) -> 0.0));
            assertEquals("The latentseek method's option 'iterations' must be a whole number of at least 0, not -2.", e.getMessage());
            IllegalStateException nan = assertThrows(IllegalStateException.class, () -> method.search(model, batch,
                    method.curriculum(Map.of(), 1).last(), LatentSeekTest.DECODING, (example, answer) -> Double.NaN));
            assertEquals("The reward of example 'e312' is NaN, not a finite number; a test-time search needs a finite reward.", nan.getMessage());
        }
    }

    private static void check(ReasoningMethod method, String expected, Map<String, Object> options) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> method.curriculum(options, 1));
        assertEquals(expected, e.getMessage());
        assertTrue(expected.endsWith("."));
        assertFalse(expected.substring(0, expected.length() - 1).contains(". "), expected);
    }
}
