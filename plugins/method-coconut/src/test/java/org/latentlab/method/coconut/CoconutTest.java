package org.latentlab.method.coconut;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.TokenLayout;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class CoconutTest {

    static final Example SHORT = new Example("short", "Tom is a wumpus. Is Tom a wumpus?",
            List.of("Tom is a wumpus."), "Tom is a wumpus.", Map.of());
    static final Example LONG = new Example("long",
            "Every wumpus is a yumpus. Every yumpus is a zumpus. Tom is a wumpus. Is Tom a zumpus or rempus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus.", "Every yumpus is a zumpus."), "Tom is a zumpus.", Map.of());

    private final Coconut method = new Coconut();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(),
            List.of(LONG.question(), LONG.answer(), String.join(" ", LONG.steps()), SHORT.question(), "rempus"));

    @Test
    void cachedPassesGiveTheLogitsOfRecomputingTheWholeSequenceForEveryThought() {
        // stage 2 with two thoughts per step: SHORT (1 step) gets 2 thoughts, LONG (3 steps) gets 4
        CurriculumStage stage = stage(Map.of(CoconutOptions.THOUGHTS_PER_STEP, 2, CoconutOptions.MAX_LATENT_STAGE, 3), 6, 2);
        CoconutOptions options = CoconutOptions.of(stage.settings());
        List<Example> examples = List.of(SHORT, LONG);
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
            LatentLayout layout = LatentLayout.of(examples, 2, options, vocabulary);
            assertEquals(2, layout.thoughts()[0]);
            assertEquals(4, layout.thoughts()[1]);
            assertTrue(LatentLayout.prompt(SHORT, vocabulary).size() < LatentLayout.prompt(LONG, vocabulary).size());
            assertEquals(new Shape(2, layout.length(), vocabulary.size()), trace.logits().getShape());
            assertEquals(new Shape(2, 4, model.config().dModel()), trace.latents().getShape());
            // two thoughts stand for each replaced step; SHORT has one step, so its two thoughts both stand for it
            assertArrayEquals(new int[] {0, 0, -1, -1, 0, 0, 1, 1}, trace.extras().get(LatentTrace.STEP_INDEX).toIntArray());
            for (int b = 0; b < examples.size(); b++) {
                Example example = examples.get(b);
                Reference reference = reference(model, example, 2, options, m, false);
                int promptLength = LatentLayout.prompt(example, vocabulary).size();
                int offset = layout.firstLatent() - promptLength;
                int rowLength = (int) reference.logits().getShape().get(1);
                NDArray cached = trace.logits().get(new NDIndex("{}, {}:{}, :", b, offset, offset + rowLength));
                float diff = cached.sub(reference.logits().squeeze(0)).abs().max().getFloat();
                assertTrue(diff < 1e-4f, "row " + b + ": max |cached - recomputed| = " + diff);
                int n = layout.thoughts()[b];
                NDArray fedBack = trace.latents().get(new NDIndex("{}, 0:{}, :", b, n));
                float latentDiff = fedBack.sub(reference.thoughts().squeeze(0)).abs().max().getFloat();
                assertTrue(latentDiff < 1e-4f, "row " + b + ": thoughts differ by " + latentDiff);
                if (n < 4) {
                    assertEquals(0f, trace.latents().get(new NDIndex("{}, {}:, :", b, n)).abs().max().getFloat(), "no slot, zeros");
                }
                // solve feeds back the same thoughts: its first token is the argmax after <eot> in the trace
                int eotColumn = layout.firstLatent() + n;
                int next = (int) trace.logits().get(new NDIndex("{}, {}, :", b, eotColumn)).argMax().toType(DataType.INT64, false).getLong();
                List<String> expected = next == vocabulary.id(Vocabulary.EOS) ? List.of() : List.of(vocabulary.token(next));
                Answer answer = method.solve(model, new Batch(List.of(example), vocabulary, m), stage, new Decoding(1)).get(0);
                assertEquals(TokenLayout.answer(expected, n), answer);
            }
            assertTrue(trace.extras().containsKey(Taps.hook(1, "resid_post")));
            assertEquals(new Shape(2, layout.length(), model.config().dModel()), trace.extras().get(Taps.hook(0, "resid_pre")).getShape());
        }
    }

    @Test
    void everyStageReplacesOneMoreStepByItsThoughts() {
        Map<String, Object> options = Map.of(CoconutOptions.THOUGHTS_PER_STEP, 2, CoconutOptions.MAX_LATENT_STAGE, 2);
        Curriculum curriculum = method.curriculum(options, 4);
        assertEquals(4, curriculum.stages().size());
        assertEquals(List.of("stage 0 (0 thoughts)", "stage 1 (2 thoughts)", "stage 2 (4 thoughts)", "stage 3 (4 thoughts, no steps)"),
                curriculum.stages().stream().map(CurriculumStage::name).toList());
        assertEquals(4, curriculum.totalEpochs());
        int[] thoughts = {0, 2, 4, 4};
        int[] kept = {3, 2, 1, 0};
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            for (CurriculumStage stage : curriculum.stages()) {
                int k = stage.index();
                assertEquals(k, stage.settings().get(CoconutOptions.STAGE));
                assertEquals(2, stage.settings().get(CoconutOptions.THOUGHTS_PER_STEP));
                LatentTrace trace = method.forward(model, new Batch(List.of(LONG), vocabulary, m), stage);
                LatentLayout layout = LatentLayout.of(List.of(LONG), k, CoconutOptions.of(stage.settings()), vocabulary);
                List<Integer> expected = new ArrayList<>(LatentLayout.prompt(LONG, vocabulary));
                int question = expected.size();
                expected.addAll(Collections.nCopies(thoughts[k], vocabulary.id(LatentLayout.LATENT)));
                List<String> steps = LONG.steps().subList(3 - kept[k], 3);
                List<Integer> after = LatentLayout.continuation(LONG, steps, vocabulary);
                expected.addAll(after);
                assertEquals(expected, java.util.Arrays.stream(layout.ids()).boxed().toList(), "stage " + k);
                assertEquals(thoughts[k], layout.thoughts()[0]);
                int[] labels = trace.labels().toIntArray();
                assertEquals(expected.size(), labels.length);
                int eot = question + thoughts[k];
                for (int t = 0; t < eot; t++) {
                    assertEquals(LatentTrace.IGNORE, labels[t], "stage " + k + ": question, <bot>, thoughts are unsupervised (" + t + ")");
                }
                assertEquals(after.subList(1, after.size()), java.util.Arrays.stream(labels, eot, labels.length - 1).boxed().toList());
                assertEquals(LatentTrace.IGNORE, labels[labels.length - 1]);
                assertEquals(new Shape(1, thoughts[k], model.config().dModel()), trace.latents().getShape());
            }
        }
        assertEquals(Curriculum.class, method.curriculum(Map.of(), 1).getClass());
        assertEquals(List.of(3, 1), method.curriculum(Map.of(CoconutOptions.EPOCHS_PER_STAGE, 3), 4).stages().stream()
                .map(CurriculumStage::epochs).toList());
        assertEquals(Map.of(CoconutOptions.STAGE, 0, CoconutOptions.THOUGHTS_PER_STEP, 1, CoconutOptions.MAX_LATENT_STAGE, 6,
                CoconutOptions.EPOCHS_PER_STAGE, 1, CoconutOptions.PAD_LATENTS, false, CoconutOptions.MIX_PROBABILITY, 0.0,
                CoconutOptions.CURRICULUM, true, CoconutOptions.THOUGHT, "continuous", CoconutOptions.INITIALISE_FROM, Vocabulary.SEP),
                method.curriculum(Map.of(), 1).last().settings());
        assertTrue(method.provides().containsAll(List.of(Capability.TOKEN_LOGITS, Capability.LATENT_STEPS, Capability.LAYER_STATES)));
    }

    @Test
    void theLossAfterTheThoughtsReachesTheQuestionThroughTheChain() {
        CurriculumStage stage = stage(Map.of(CoconutOptions.THOUGHTS_PER_STEP, 2, CoconutOptions.MAX_LATENT_STAGE, 3), 6, 2);
        CoconutOptions options = CoconutOptions.of(stage.settings());
        Engine engine = Engine.getEngine("PyTorch");
        try (Backbone model = backbone()) {
            LatentLayout layout = LatentLayout.of(List.of(LONG), 2, options, vocabulary);
            float[] viaMethod;
            float[] viaChain;
            float[] withoutChain;
            try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                LatentTrace trace = method.forward(model, new Batch(List.of(LONG), vocabulary, m), stage);
                collector.backward(loss(trace.logits(), trace.labels()));
            }
            viaMethod = takeQuestionGradient(model);
            NDArray labels;
            try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                labels = layout.columns(layout.labels(), 0, layout.length(), m);
                collector.backward(loss(reference(model, LONG, 2, options, m, false).logits(), labels));
            }
            viaChain = takeQuestionGradient(model);
            try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                labels = layout.columns(layout.labels(), 0, layout.length(), m);
                collector.backward(loss(reference(model, LONG, 2, options, m, true).logits(), labels));
            }
            withoutChain = takeQuestionGradient(model);
            float methodVsChain = 0;
            float chainVsCut = 0;
            for (int i = 0; i < viaMethod.length; i++) {
                methodVsChain = Math.max(methodVsChain, Math.abs(viaMethod[i] - viaChain[i]));
                chainVsCut = Math.max(chainVsCut, Math.abs(viaChain[i] - withoutChain[i]));
            }
            assertTrue(methodVsChain < 1e-4f, "the method's gradient is the recomputed one's, up to " + methodVsChain);
            assertTrue(chainVsCut > 1e-3f, "cutting the chain changes the question's gradient, by " + chainVsCut);
        }
    }

    @Test
    void optionErrorsAreOneSentence() {
        assertEquals("The coconut method's option 'thoughtsPerStep' must be a whole number from 1 to 64, not 0.",
                error(Map.of(CoconutOptions.THOUGHTS_PER_STEP, 0), 3));
        assertEquals("The coconut method's option 'maxLatentStage' must be a whole number from 0 to 64, not -1.",
                error(Map.of(CoconutOptions.MAX_LATENT_STAGE, -1), 3));
        assertEquals("The coconut method's option 'epochsPerStage' must be a whole number from 1 to 100000, not 1.5.",
                error(Map.of(CoconutOptions.EPOCHS_PER_STAGE, 1.5), 3));
        assertEquals("The coconut method's option 'padLatents' must be true or false, not yes.",
                error(Map.of(CoconutOptions.PAD_LATENTS, "yes"), 3));
        assertEquals("The coconut method needs at least one epoch to train, not 0.", error(Map.of(), 0));
        assertEquals("The coconut method's option 'mixProbability' must be a probability from 0 to 1, not 1.5.",
                error(Map.of(CoconutOptions.MIX_PROBABILITY, 1.5), 3));
        assertEquals("The coconut method's option 'thought' must be \"continuous\", \"none\" or \"pause\", not tokens.",
                error(Map.of(CoconutOptions.THOUGHT, "tokens"), 3));
        assertEquals("The coconut method's option 'curriculum' must be true or false, not 0.", error(Map.of(CoconutOptions.CURRICULUM, 0), 3));
        for (String message : List.of(error(Map.of(CoconutOptions.THOUGHTS_PER_STEP, "two"), 1), error(Map.of(), -1))) {
            assertTrue(message.endsWith("."));
            assertFalse(message.substring(0, message.length() - 1).contains(". "), message);
        }
    }

    @Test
    void padLatentsAndTheLastStageGiveEveryExampleTheFullCountOfThoughts() {
        Map<String, Object> padded = Map.of(CoconutOptions.PAD_LATENTS, true, CoconutOptions.MAX_LATENT_STAGE, 2);
        CoconutOptions options = CoconutOptions.of(padded);
        assertEquals(2, options.thoughts(2, 1), "padded to the stage's count");
        assertEquals(1, CoconutOptions.of(Map.of(CoconutOptions.MAX_LATENT_STAGE, 2)).thoughts(2, 1), "cut to the steps");
        assertEquals(2, CoconutOptions.of(Map.of(CoconutOptions.MAX_LATENT_STAGE, 2)).thoughts(3, 1), "past the last stage");
        CurriculumStage last = method.curriculum(padded, 5).last();
        assertEquals(3, last.index());
        assertEquals(2, last.epochs(), "the stage past the last takes the epochs left");
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            Answer answer = method.solve(model, new Batch(List.of(SHORT), vocabulary, m), last, new Decoding(4)).get(0);
            assertEquals(2, answer.latentSteps());
            assertTrue(answer.generatedTokens() <= 4);
        }
    }

    private String error(Map<String, Object> options, int epochs) {
        return assertThrows(IllegalArgumentException.class, () -> method.curriculum(options, epochs)).getMessage();
    }

    /**
     * Evaluation answers a batch at once: rows with different numbers of thoughts (a one-step and a three-step example at
     * stage 2, one thought per step) and prompts of different lengths each get the answer and latent steps that the
     * prefix and greedy decoding give them alone, for continuous and pause thoughts.
     */
    @Test
    void aBatchIsAnsweredAsEachExampleAlone() {
        for (String thought : List.of("continuous", "pause")) {
            CurriculumStage stage = stage(Map.of(CoconutOptions.MAX_LATENT_STAGE, 3, CoconutOptions.THOUGHT, thought), 4, 2);
            List<Example> examples = List.of(LONG, SHORT, LONG);
            Decoding budget = new Decoding(7);
            try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
                List<Answer> together = method.solve(model, new Batch(examples, vocabulary, m), stage, budget);
                for (int i = 0; i < examples.size(); i++) {
                    Example example = examples.get(i);
                    int thoughts = Math.min(2, example.steps().size());
                    try (NDManager alone = m.newSubManager(); org.latentlab.api.model.KvCache cache = model.newCache()) {
                        NDArray last = method.prefix(model, stage, example, vocabulary, thoughts, cache, alone);
                        List<String> generated = org.latentlab.api.method.GreedyDecoder.decodeFrom(model, last, cache, vocabulary, 7, alone);
                        assertEquals(TokenLayout.answer(generated, thoughts), together.get(i), thought + " thoughts, example " + i);
                    }
                }
                assertEquals(List.of(2, 1, 2), together.stream().map(Answer::latentSteps).toList(), "each row's own number of thoughts");
            }
        }
    }

    private CurriculumStage stage(Map<String, Object> options, int epochs, int k) {
        return method.curriculum(options, epochs).stages().get(k);
    }

    /** Logits and thoughts the slow way: for every thought, the whole sequence so far again, with no cache. */
    record Reference(NDArray logits, NDArray thoughts) {
    }

    private Reference reference(Backbone model, Example example, int k, CoconutOptions options, NDManager m, boolean cutChain) {
        int[] prompt = LatentLayout.prompt(example, vocabulary).stream().mapToInt(Integer::intValue).toArray();
        NDArray sequence = model.embed(m.create(prompt, new Shape(1, prompt.length)));
        List<NDArray> thoughts = new ArrayList<>();
        for (int i = 0; i < options.thoughts(k, example.steps().size()); i++) {
            NDArray thought = model.forward(sequence, 0, null, Taps.HIDDEN).hidden().get(new NDIndex(":, -1:, :"));
            if (cutChain) {
                thought = thought.stopGradient();
            }
            thoughts.add(thought);
            sequence = sequence.concat(thought, 1);
        }
        int steps = example.steps().size();
        int[] rest = LatentLayout.continuation(example, example.steps().subList(options.replacedSteps(k, steps), steps), vocabulary)
                .stream().mapToInt(Integer::intValue).toArray();
        sequence = sequence.concat(model.embed(m.create(rest, new Shape(1, rest.length))), 1);
        NDArray logits = model.forward(sequence, 0, null, Taps.LOGITS).logits();
        return new Reference(logits, thoughts.isEmpty() ? null : NDArrays.concat(new NDList(thoughts), 1));
    }

    /** Negative log-likelihood of the labels, summed. */
    private static NDArray loss(NDArray logits, NDArray labels) {
        return logits.logSoftmax(-1)
                .gather(labels.maximum(0).toType(DataType.INT64, false).expandDims(-1), -1)
                .squeeze(-1).mul(labels.neq(LatentTrace.IGNORE)).sum().neg();
    }

    /** The gradient of the question tokens' embedding rows, after which every gradient is zeroed. */
    private float[] takeQuestionGradient(Backbone model) {
        List<Integer> question = vocabulary.encode(LONG.question());
        float[] out;
        try (NDArray gradient = model.parameters().get("wte").getGradient()) {
            float[] all = gradient.toFloatArray();
            int d = model.config().dModel();
            out = new float[question.size() * d];
            for (int q = 0; q < question.size(); q++) {
                System.arraycopy(all, question.get(q) * d, out, q * d, d);
            }
        }
        for (NDArray p : model.parameters().values()) {
            try (NDArray gradient = p.getGradient()) {
                gradient.subi(gradient);
            }
        }
        return out;
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 32, 2, 2, 128), ai.djl.Device.cpu(), 7);
    }
}
