package org.latentlab.method.pause;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class PauseTokensTest {

    private final Example example = new Example("e1", "Every wumpus is a yumpus. Tom is a wumpus. Is Tom a yumpus or rempus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());
    private final PauseTokens method = new PauseTokens();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(), List.of(example.question(), example.answer()));

    @Test
    void readsThePausesButIsTaughtOnlyTheAnswer() {
        CurriculumStage stage = method.curriculum(Map.of(PauseTokens.PAUSES, 3), 1).last();
        try (Backbone model = new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 16, 1, 2, 64), ai.djl.Device.cpu(), 1);
             NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(List.of(example), vocabulary, m), stage);
            int[] labels = trace.labels().toIntArray();
            List<String> supervised = new ArrayList<>();
            for (int label : labels) {
                if (label != LatentTrace.IGNORE) {
                    supervised.add(vocabulary.token(label));
                }
            }
            List<String> expected = new ArrayList<>(List.of(Vocabulary.ANSWER));
            expected.addAll(Vocabulary.words(example.answer()));
            expected.add(Vocabulary.EOS);
            assertEquals(expected, supervised, "no loss on the pauses, no steps");
            int question = Vocabulary.words(example.question()).size();
            // <bos> question <sep> <pause> <pause> <pause> <answer> answer <eos>
            assertEquals(1 + question + 1 + 3 + expected.size(), labels.length);
            // the position before the first pause predicts it, unsupervised; the last pause predicts <answer>
            assertEquals(LatentTrace.IGNORE, labels[question + 1]);
            assertEquals(vocabulary.id(Vocabulary.ANSWER), labels[question + 4]);
        }
    }

    @Test
    void sixPausesByDefaultAndABadCountIsOneSentence() {
        assertEquals(6, PauseTokens.pauses(method.curriculum(Map.of(), 1).last()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PauseTokens.pauses(method.curriculum(Map.of(PauseTokens.PAUSES, -2), 1).last()));
        assertEquals("The pause method's option 'pauses' must be a whole number from 0 to 64, not -2.", e.getMessage());
    }
}
