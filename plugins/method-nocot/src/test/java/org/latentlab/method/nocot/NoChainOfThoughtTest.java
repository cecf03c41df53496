package org.latentlab.method.nocot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class NoChainOfThoughtTest {

    @Test
    void supervisesOnlyTheAnswerAndLeavesTheStepsOut() {
        Example example = new Example("e1", "Every wumpus is a yumpus. Tom is a wumpus. Is Tom a yumpus or rempus?",
                List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());
        NoChainOfThought method = new NoChainOfThought();
        Vocabulary vocabulary = Vocabulary.build(List.of(), List.of(example.question(), example.answer(), "rempus"));
        try (Backbone model = new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 16, 1, 2, 64), ai.djl.Device.cpu(), 1);
             NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(List.of(example), vocabulary, m), method.curriculum(Map.of(), 1).last());
            List<String> supervised = new ArrayList<>();
            for (int label : trace.labels().toIntArray()) {
                if (label != LatentTrace.IGNORE) {
                    supervised.add(vocabulary.token(label));
                }
            }
            List<String> expected = new ArrayList<>(List.of(Vocabulary.ANSWER));
            expected.addAll(Vocabulary.words(example.answer()));
            expected.add(Vocabulary.EOS);
            assertEquals(expected, supervised);
            // <bos> question <sep> <answer> answer <eos>
            assertEquals(1 + Vocabulary.words(example.question()).size() + 1 + expected.size(), trace.labels().getShape().get(1));
        }
    }
}
