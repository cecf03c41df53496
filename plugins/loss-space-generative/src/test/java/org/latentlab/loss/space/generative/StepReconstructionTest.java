package org.latentlab.loss.space.generative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import org.latentlab.api.model.Taps;
import org.latentlab.method.coconut.Coconut;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class StepReconstructionTest {

    static final Example TWO = new Example("two", "Tom is a wumpus. Every wumpus is a yumpus. Is Tom a yumpus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());

    private final Vocabulary vocabulary = Vocabulary.build(new Coconut().specialTokens(), List.of(TWO.question(), TWO.answer()));

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch")).create(new BackboneConfig(vocabulary.size(), 16, 1, 2, 64),
                ai.djl.Device.cpu(), 5);
    }

    private static LatentTrace trace(NDArray latents, NDManager m) {
        // latent 0 stands for step 1 (6 tokens), latent 1 for step 0 (5 tokens): rows of different lengths, padded
        return new LatentTrace(null, null, latents, Map.of(LatentTrace.STEP_INDEX, m.create(new int[] {1, 0, -1}, new Shape(1, 3))), 0);
    }

    @Test
    void theLossIsTheBackbonesCrossEntropyOfEachStepWrittenFromItsLatentAlone() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            long d = model.config().dModel();
            NDArray latents = m.randomNormal(new Shape(1, 3, d));
            float value = new StepReconstruction().compute(trace(latents, m),
                    new LossContext(model, new Batch(List.of(TWO), vocabulary, m), null, Map.of())).getFloat();
            double sum = 0;
            int count = 0;
            for (int i = 0; i < 2; i++) {
                List<Integer> target = new ArrayList<>(vocabulary.encode(TWO.steps().get(i == 0 ? 1 : 0)));
                target.add(vocabulary.id(Vocabulary.EOS));
                int[] previous = target.subList(0, target.size() - 1).stream().mapToInt(Integer::intValue).toArray();
                NDArray input = latents.get(new NDIndex("0:1, {}:{}, :", i, i + 1))
                        .concat(model.embed(m.create(previous, new Shape(1, previous.length))), 1);
                NDArray logProbabilities = model.forward(input, 0, null, Taps.LOGITS).logits().logSoftmax(-1);
                for (int j = 0; j < target.size(); j++) {
                    sum -= logProbabilities.getFloat(0, j, target.get(j));
                    count++;
                }
            }
            assertEquals(sum / count, value, 1e-4 * value);
        }
    }

    @Test
    void theGradientReachesTheAlignedLatentsAndTheDecodingBackbone() throws Exception {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            NDArray latents = m.randomNormal(new Shape(1, 3, model.config().dModel()));
            latents.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                collector.backward(new StepReconstruction().compute(trace(latents, m),
                        new LossContext(model, new Batch(List.of(TWO), vocabulary, m), null, Map.of())));
            }
            assertTrue(latents.getGradient().get(new NDIndex("0, 0:2, :")).abs().sum().getFloat() > 0);
            assertEquals(0f, latents.getGradient().get(new NDIndex("0, 2, :")).abs().sum().getFloat(), 0f);
            float mass = 0;
            for (NDArray p : model.parameters().values()) {
                mass += p.getGradient().abs().sum().getFloat();
            }
            assertTrue(mass > 0, "the backbone is the decoder and learns to read latents");
        }
    }
}
