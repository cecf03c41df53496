package org.latentlab.loss.space.geometric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class StepEncodingDistanceTest {

    static final Example TWO = new Example("two", "Tom is a wumpus. Every wumpus is a yumpus. Is Tom a yumpus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());

    private final Vocabulary vocabulary = Vocabulary.build(new Coconut().specialTokens(), List.of(TWO.question(), TWO.answer()));

    @Test
    void theLossIsTheMeanSquaredDistanceToTheStepsMeanEmbeddingAndOnlyMovesTheLatents() throws Exception {
        try (Backbone model = new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 16, 1, 2, 64), ai.djl.Device.cpu(), 3);
             NDManager m = model.manager().newSubManager()) {
            long d = model.config().dModel();
            NDArray latents = m.randomNormal(new Shape(1, 3, d));
            latents.setRequiresGradient(true);
            // latent 0 stands for step 1, latent 1 for step 0, latent 2 for none
            LatentTrace trace = new LatentTrace(null, null, latents,
                    Map.of(LatentTrace.STEP_INDEX, m.create(new int[] {1, 0, -1}, new Shape(1, 3))), 0);
            Batch batch = new Batch(List.of(TWO), vocabulary, m);
            float value;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = new StepEncodingDistance().compute(trace, new LossContext(model, batch, null, Map.of()));
                value = loss.getFloat();
                collector.backward(loss);
            }
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                String step = TWO.steps().get(i == 0 ? 1 : 0);
                int[] ids = vocabulary.encode(step).stream().mapToInt(Integer::intValue).toArray();
                NDArray mean = model.embed(m.create(ids, new Shape(1, ids.length))).mean(new int[] {1}).squeeze(0);
                expected += latents.get(new NDIndex("0, {}, :", i)).sub(mean).square().sum().getFloat();
            }
            expected /= 2 * d;
            assertEquals(expected, value, 1e-5 * expected);
            assertTrue(latents.getGradient().get(new NDIndex("0, 0:2, :")).abs().sum().getFloat() > 0, "aligned latents are pulled");
            assertEquals(0f, latents.getGradient().get(new NDIndex("0, 2, :")).abs().sum().getFloat(), 0f, "the unaligned latent is not");
            float embeddingGradient = 0;
            for (NDArray p : model.parameters().values()) {
                embeddingGradient += p.getGradient().abs().sum().getFloat();
            }
            assertEquals(0f, embeddingGradient, 0f, "the step encodings are frozen: no weight moves");
        }
    }
}
