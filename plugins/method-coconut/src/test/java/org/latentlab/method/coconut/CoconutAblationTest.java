package org.latentlab.method.coconut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.latentlab.api.Capability;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;
import org.latentlab.model.GptBackboneFactory;

/** The paper's ablations, the mixing of stages, the special tokens' initialisation and the latent prefix probes use. */
class CoconutAblationTest {

    private final Coconut method = new Coconut();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(),
            List.of(CoconutTest.LONG.question(), CoconutTest.LONG.answer(), String.join(" ", CoconutTest.LONG.steps()),
                    CoconutTest.SHORT.question(), "rempus"));

    @Test
    void withoutCurriculumEveryEpochTrainsAtTheFinalStage() {
        Curriculum curriculum = method.curriculum(Map.of(CoconutOptions.CURRICULUM, false, CoconutOptions.MAX_LATENT_STAGE, 2), 5);
        assertEquals(1, curriculum.stages().size());
        CurriculumStage only = curriculum.last();
        assertEquals(5, only.epochs());
        assertEquals(3, only.settings().get(CoconutOptions.STAGE));
        assertEquals("stage 3 (2 thoughts, no steps), no curriculum", only.name());
        LatentLayout layout = LatentLayout.of(List.of(CoconutTest.LONG), 3, CoconutOptions.of(only.settings()), vocabulary);
        List<Integer> expected = new ArrayList<>(LatentLayout.prompt(CoconutTest.LONG, vocabulary));
        expected.addAll(Collections.nCopies(2, vocabulary.id(LatentLayout.LATENT)));
        expected.addAll(LatentLayout.continuation(CoconutTest.LONG, List.of(), vocabulary));
        assertEquals(expected, Arrays.stream(layout.ids()).boxed().toList());
    }

    @Test
    void withoutThoughtTheCurriculumRemovesStepsAndNoSlotTakesTheirPlace() {
        Map<String, Object> options = Map.of(CoconutOptions.THOUGHT, "none", CoconutOptions.MAX_LATENT_STAGE, 2);
        Curriculum curriculum = method.curriculum(options, 4);
        assertEquals(List.of("stage 0 (no thoughts, 0 steps removed)", "stage 1 (no thoughts, 1 step removed)",
                "stage 2 (no thoughts, 2 steps removed)", "stage 3 (no thoughts, no steps)"),
                curriculum.stages().stream().map(CurriculumStage::name).toList());
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            for (CurriculumStage stage : curriculum.stages()) {
                int k = stage.index();
                LatentTrace trace = method.forward(model, new Batch(List.of(CoconutTest.LONG), vocabulary, m), stage);
                List<Integer> expected = new ArrayList<>(LatentLayout.prompt(CoconutTest.LONG, vocabulary));
                int kept = k > 2 ? 0 : 3 - k;
                expected.addAll(LatentLayout.continuation(CoconutTest.LONG, CoconutTest.LONG.steps().subList(3 - kept, 3), vocabulary));
                LatentLayout layout = LatentLayout.of(List.of(CoconutTest.LONG), k, CoconutOptions.of(stage.settings()), vocabulary);
                assertEquals(expected, Arrays.stream(layout.ids()).boxed().toList(), "stage " + k);
                assertEquals(new Shape(1, 0, model.config().dModel()), trace.latents().getShape());
                // one pass, no cache trickery: the logits are those of the plain sequence
                int[] ids = expected.stream().mapToInt(Integer::intValue).toArray();
                NDArray plain = model.forward(model.embed(m.create(ids, new Shape(1, ids.length))), 0, null, Taps.LOGITS).logits();
                assertTrue(trace.logits().sub(plain).abs().max().getFloat() < 1e-4f);
            }
            CurriculumStage last = curriculum.last();
            Answer answer = method.solve(model, new Batch(List.of(CoconutTest.LONG), vocabulary, m), last, new Decoding(3)).get(0);
            assertEquals(0, answer.latentSteps());
            assertThrows(IllegalArgumentException.class, () -> method.prefix(model, last, CoconutTest.LONG, vocabulary, 1,
                    model.newCache(), m));
        }
    }

    @Test
    void pauseAsThoughtReadsTheLatentTokenAndFeedsNothingBack() {
        Map<String, Object> options = Map.of(CoconutOptions.THOUGHT, "pause", CoconutOptions.THOUGHTS_PER_STEP, 2,
                CoconutOptions.MAX_LATENT_STAGE, 2);
        CurriculumStage stage = method.curriculum(options, 4).stages().get(2);
        assertEquals("stage 2 (4 pauses)", stage.name());
        List<Example> examples = List.of(CoconutTest.SHORT, CoconutTest.LONG);
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(examples, vocabulary, m), stage);
            LatentLayout layout = LatentLayout.of(examples, 2, CoconutOptions.of(stage.settings()), vocabulary);
            assertEquals(2, layout.thoughts()[0]);
            assertEquals(4, layout.thoughts()[1]);
            for (int b = 0; b < examples.size(); b++) {
                // the row as plain tokens, <latent> included, in one uncached pass
                int offset = layout.firstLatent() - LatentLayout.prompt(examples.get(b), vocabulary).size();
                int[] row = Arrays.copyOfRange(layout.ids(), b * layout.length() + offset, (b + 1) * layout.length());
                int real = 0;
                for (int t = 0; t < row.length; t++) {
                    real += layout.real()[b * layout.length() + offset + t];
                }
                int[] ids = Arrays.copyOf(row, real);
                var plain = model.forward(model.embed(m.create(ids, new Shape(1, ids.length))), 0, null, Taps.LOGITS);
                NDArray mine = trace.logits().get(new NDIndex("{}, {}:{}, :", b, offset, offset + real));
                assertTrue(mine.sub(plain.logits().squeeze(0)).abs().max().getFloat() < 1e-4f, "row " + b);
                // its latent steps are the hidden states at the columns before the pauses
                int[] columns = trace.extras().get(LatentTrace.LATENT_COLUMNS).get(b).toIntArray();
                for (int i = 0; i < layout.thoughts()[b]; i++) {
                    NDArray hidden = plain.hidden().get(new NDIndex("0, {}", columns[i] - offset));
                    assertTrue(trace.latents().get(new NDIndex("{}, {}", b, i)).sub(hidden).abs().max().getFloat() < 1e-4f);
                }
            }
            // inference reads the pauses as tokens too: the first answer token is the argmax after <eot>
            int eot = layout.firstLatent() + 4;
            int next = (int) trace.logits().get(new NDIndex("1, {}, :", eot)).argMax().toType(DataType.INT64, false).getLong();
            Answer answer = method.solve(model, new Batch(List.of(CoconutTest.LONG), vocabulary, m), stage, new Decoding(1)).get(0);
            assertEquals(4, answer.latentSteps());
            if (next != vocabulary.id(Vocabulary.EOS)) {
                assertEquals(List.of(vocabulary.token(next)), answer.reasoning().isEmpty() ? answer.answer() : answer.reasoning());
            }
        }
    }

    @Test
    void mixingDrawsSomeExamplesToAnotherStageAndRepeatsExactly() {
        CoconutOptions none = CoconutOptions.of(Map.of());
        CoconutOptions half = CoconutOptions.of(Map.of(CoconutOptions.MIX_PROBABILITY, 0.5));
        CoconutOptions all = CoconutOptions.of(Map.of(CoconutOptions.MIX_PROBABILITY, 1.0));
        int moved = 0;
        int[] seen = new int[4];
        for (int i = 0; i < 2000; i++) {
            String id = "example-" + i;
            assertEquals(2, none.trainingStage(2, id, 3, 17));
            int stage = half.trainingStage(2, id, 3, 17);
            assertEquals(stage, half.trainingStage(2, id, 3, 17), "the same example in the same batch draws the same stage");
            assertTrue(stage >= 0 && stage <= 3);
            int drawn = all.trainingStage(2, id, 3, 17);
            seen[drawn]++;
            if (stage != 2) {
                moved++;
            }
        }
        // a stage other than 2 comes up with probability 0.5 · 3/4
        assertTrue(Math.abs(moved / 2000.0 - 0.375) < 0.05, "moved " + moved);
        for (int count : seen) {
            assertTrue(Math.abs(count / 2000.0 - 0.25) < 0.05, "uniform over stages 0..3: " + Arrays.toString(seen));
        }
        int differs = 0;
        for (int i = 0; i < 200; i++) {
            differs += all.trainingStage(2, "example-" + i, 3, 17) != all.trainingStage(2, "example-" + i, 3, 18) ? 1 : 0;
        }
        assertTrue(differs > 100, "another batch (another epoch's shuffle) draws again: " + differs);

        // the forward lays mixed rows out at their own stage, the loss still only after <eot>
        Map<String, Object> options = new HashMap<>(Map.of(CoconutOptions.MIX_PROBABILITY, 1.0, CoconutOptions.MAX_LATENT_STAGE, 3));
        CurriculumStage stage = method.curriculum(options, 2).stages().get(1);
        List<Example> batch = List.of(CoconutTest.LONG, CoconutTest.SHORT);
        LatentLayout mixed = LatentLayout.of(batch, 1, CoconutOptions.of(stage.settings()), vocabulary, true);
        long key = batch.stream().map(Example::id).toList().hashCode();
        CoconutOptions checked = CoconutOptions.of(stage.settings());
        for (int b = 0; b < batch.size(); b++) {
            Example e = batch.get(b);
            int k = checked.trainingStage(1, e.id(), e.steps().size(), key);
            assertEquals(checked.thoughts(k, e.steps().size()), mixed.thoughts()[b], "row " + b + " at its drawn stage " + k);
        }
    }

    @Test
    void theSpecialTokensStartAsCopiesOfAnExistingToken() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            int sep = vocabulary.id(Vocabulary.SEP);
            int[] ids = {sep, vocabulary.id(LatentLayout.BOT), vocabulary.id(LatentLayout.EOT), vocabulary.id(LatentLayout.LATENT)};
            NDArray before = model.embed(m.create(ids, new Shape(1, 4)));
            assertNotEquals(0f, before.get("0, 1").sub(before.get("0, 0")).abs().max().getFloat());
            method.initialise(model, vocabulary, Map.of());
            NDArray after = model.embed(m.create(ids, new Shape(1, 4)));
            for (int i = 1; i < 4; i++) {
                assertEquals(0f, after.get(new NDIndex("0, {}", i)).sub(after.get("0, 0")).abs().max().getFloat(), "token " + i);
            }
            method.initialise(model, vocabulary, Map.of(CoconutOptions.INITIALISE_FROM, "rempus"));
            NDArray rempus = model.embed(m.create(new int[] {vocabulary.id("rempus"), ids[1]}, new Shape(1, 2)));
            assertEquals(0f, rempus.get("0, 0").sub(rempus.get("0, 1")).abs().max().getFloat());
            assertEquals("The coconut method's option 'initialiseFrom' names 'glorp', which is not in the vocabulary; name a token of "
                    + "the data or a reserved one such as <sep>.", assertThrows(IllegalArgumentException.class,
                    () -> method.initialise(model, vocabulary, Map.of(CoconutOptions.INITIALISE_FROM, "glorp"))).getMessage());
        }
    }

    @Test
    void thePrefixRunsExactlyTheThoughtsAskedForWhateverTheStage() {
        assertTrue(method.provides().contains(Capability.LATENT_PREFIX));
        CurriculumStage last = method.curriculum(Map.of(CoconutOptions.MAX_LATENT_STAGE, 3), 5).last();
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            for (int k = 0; k <= 3; k++) {
                KvCache cache = model.newCache();
                NDArray hidden = method.prefix(model, last, CoconutTest.LONG, vocabulary, k, cache, m);
                int prompt = LatentLayout.prompt(CoconutTest.LONG, vocabulary).size();
                assertEquals(prompt + k + 1, cache.length(), "prompt, " + k + " thoughts, <eot>");
                assertEquals(new Shape(1, 1, model.config().dModel()), hidden.getShape());
                // the same as the training layout at stage k: the hidden state at <eot> predicts what follows it
                CurriculumStage atK = method.curriculum(Map.of(CoconutOptions.MAX_LATENT_STAGE, 3), 5).stages().get(k);
                LatentTrace trace = method.forward(model, new Batch(List.of(CoconutTest.LONG), vocabulary, m), atK);
                NDArray logits = trace.logits().get(new NDIndex("0, {}, :", prompt + k));
                assertTrue(model.lmHead(hidden).reshape(-1).sub(logits).abs().max().getFloat() < 1e-4f, "k = " + k);
                ((AutoCloseable) cache).close();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 32, 2, 2, 128), ai.djl.Device.cpu(), 11);
    }
}
