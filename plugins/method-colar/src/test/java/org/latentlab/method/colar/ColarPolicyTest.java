package org.latentlab.method.colar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.Rollouts;
import org.latentlab.api.model.Backbone;

/** The policy the platform's GRPO trainer drives: sampled stop decisions, latents and answer tokens, scored again. */
class ColarPolicyTest {

    private final CompressedLatentReasoning method = new CompressedLatentReasoning();
    private final Vocabulary vocabulary = Mnns.vocabulary(10);
    /** A group of two rollouts of one prompt and one of a longer prompt. */
    private final List<Example> examples = List.of(CompressedLatentReasoningTest.E312, CompressedLatentReasoningTest.E312,
            CompressedLatentReasoningTest.E2413);

    /**
     * A user relies on GRPO's importance ratio being 1 under the sampling parameters: the rollouts scored again in one
     * teacher-forced pass give the sampler's log-probabilities back, with gradients reaching the backbone and the latent
     * head; and on the rollouts' steps being decisions, latents and answer tokens in the order they were taken.
     */
    @Test
    void reScoredRolloutsGiveTheSamplersLogProbabilitiesWithGradients() {
        Map<String, Object> options = Map.of(ColarOptions.MAX_LATENTS, 3, ColarOptions.COMPRESSION, 2);
        CurriculumStage stage = method.curriculum(options, 1).last();
        Decoding decoding = new Decoding(5);
        try (Backbone model = Mnns.backbone(vocabulary, 16, 2, 29); NDManager scope = model.manager().newSubManager()) {
            method.initialise(model, vocabulary, options);
            // make <eot> likely enough that some rollouts stop by themselves
            model.copyEmbedding(vocabulary.id("3"), vocabulary.id(CompressedLatentReasoning.EOT));
            Rollouts rollouts = method.sample(model, new Batch(examples, vocabulary, scope), stage, decoding, new Random(7));
            float[] sampled = rollouts.logProbabilities().toFloatArray();
            float[] mask = rollouts.mask().toFloatArray();
            int[] kinds = rollouts.actions().get(CompressedLatentReasoning.KINDS).toIntArray();
            int[] counts = rollouts.actions().get(CompressedLatentReasoning.LATENT_COUNTS).toIntArray();
            int steps = (int) rollouts.logProbabilities().getShape().get(1);
            for (int b = 0; b < examples.size(); b++) {
                int j = 0;
                int latents = 0;
                while (j < steps && kinds[b * steps + j] == CompressedLatentReasoning.KIND_CONTINUE) {
                    assertEquals(CompressedLatentReasoning.KIND_LATENT, kinds[b * steps + j + 1]);
                    j += 2;
                    latents++;
                }
                assertEquals(counts[b], latents);
                assertTrue(latents <= 3);
                if (latents < 3) {
                    assertEquals(CompressedLatentReasoning.KIND_STOP, kinds[b * steps + j++], "below the cap the rollout decided to stop");
                }
                int tokens = 0;
                while (j < steps && mask[b * steps + j] == 1f) {
                    assertEquals(CompressedLatentReasoning.KIND_TOKEN, kinds[b * steps + j++]);
                    tokens++;
                }
                assertTrue(tokens >= 1 && tokens <= 5);
                for (; j < steps; j++) {
                    assertEquals(0f, mask[b * steps + j]);
                    assertEquals(CompressedLatentReasoning.KIND_NONE, kinds[b * steps + j]);
                }
                assertEquals(latents, rollouts.answers().get(b).latentSteps());
                for (int s = 0; s < steps; s++) {
                    assertTrue(Float.isFinite(sampled[b * steps + s]));
                }
            }
            try (NDManager m = scope.newSubManager();
                 GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray again = method.logProbabilities(model, new Batch(examples, vocabulary, m), rollouts, stage);
                float[] scored = again.toFloatArray();
                assertEquals(sampled.length, scored.length);
                for (int i = 0; i < sampled.length; i++) {
                    assertEquals(sampled[i], scored[i], 1e-4f, "step " + i);
                }
                collector.backward(again.mul(rollouts.mask()).sum());
            }
            for (String name : List.of("blocks.0.attn.qkv.weight", LatentHead.MEAN_WEIGHT, LatentHead.LOG_STD_BIAS)) {
                try (NDArray gradient = model.parameters().get(name).getGradient()) {
                    assertTrue(gradient.abs().sum().getFloat() > 0f, "the re-scored log-probabilities reach " + name);
                }
            }
            // the same random stream draws the same rollouts
            Rollouts again = method.sample(model, new Batch(examples, vocabulary, scope), stage, decoding, new Random(7));
            assertArrayEquals(kinds, again.actions().get(CompressedLatentReasoning.KINDS).toIntArray());
            assertArrayEquals(sampled, again.logProbabilities().toFloatArray());
        }
    }
}
