package org.latentlab.method.cot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.Decoding;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.model.GptBackboneFactory;
import org.junit.jupiter.api.Test;

class ChainOfThoughtTest {

    static final Example EXAMPLE = new Example("e1",
            "Every wumpus is a yumpus. Every zumpus is a rempus. Tom is a wumpus. Is Tom a yumpus or rempus?",
            List.of("Tom is a wumpus.", "Every wumpus is a yumpus."), "Tom is a yumpus.", Map.of());

    private final ChainOfThought method = new ChainOfThought();
    private final Vocabulary vocabulary = Vocabulary.build(method.specialTokens(),
            List.of(EXAMPLE.question(), EXAMPLE.answer(), String.join(" ", EXAMPLE.steps())));
    private final CurriculumStage stage = method.curriculum(Map.of(), 1).last();

    @Test
    void supervisesTheStepsAndTheAnswerButNotTheQuestion() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            LatentTrace trace = method.forward(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage);
            int[] labels = trace.labels().toIntArray();
            int questionTokens = Vocabulary.words(EXAMPLE.question()).size();
            // <bos> question <sep>: positions 0..questionTokens predict question tokens and <sep>; none is supervised
            for (int t = 0; t < questionTokens + 1; t++) {
                assertEquals(LatentTrace.IGNORE, labels[t], "question position " + t);
            }
            List<String> supervised = new java.util.ArrayList<>();
            for (int label : labels) {
                if (label != LatentTrace.IGNORE) {
                    supervised.add(vocabulary.token(label));
                }
            }
            List<String> expected = new java.util.ArrayList<>(Vocabulary.words("Tom is a wumpus. Every wumpus is a yumpus."));
            expected.add(Vocabulary.ANSWER);
            expected.addAll(Vocabulary.words(EXAMPLE.answer()));
            expected.add(Vocabulary.EOS);
            assertEquals(expected, supervised);
            assertEquals(List.of(1L, (long) labels.length, (long) vocabulary.size()),
                    java.util.Arrays.stream(trace.logits().getShape().getShape()).boxed().toList());
        }
    }

    @Test
    void afterLearningOneExampleItWritesTheStepsThenTheAnswer() throws Exception {
        try (Backbone model = backbone()) {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            Engine engine = Engine.getEngine("PyTorch");
            for (int step = 0; step < 150; step++) {
                try (NDManager m = model.manager().newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
                    LatentTrace trace = method.forward(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage);
                    NDArray loss = trace.logits().logSoftmax(-1)
                            .gather(trace.labels().maximum(0).toType(ai.djl.ndarray.types.DataType.INT64, false).expandDims(-1), -1)
                            .squeeze(-1).mul(trace.labels().neq(LatentTrace.IGNORE)).sum().neg();
                    collector.backward(loss);
                }
                for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                    try (NDArray gradient = p.getValue().getGradient()) {
                        adam.update(p.getKey(), p.getValue(), gradient);
                        gradient.subi(gradient);
                    }
                }
            }
            try (NDManager m = model.manager().newSubManager()) {
                Answer answer = method.solve(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage, new Decoding(30)).get(0);
                assertEquals(Vocabulary.words("Tom is a wumpus. Every wumpus is a yumpus."), answer.reasoning());
                assertEquals(Vocabulary.words(EXAMPLE.answer()), answer.answer());
                assertEquals(answer.reasoning().size() + 1 + answer.answer().size(), answer.generatedTokens(), "reasoning, <answer>, answer");
                assertEquals(0, answer.latentSteps());
            }
        }
    }

    @Test
    void answersWithoutAnAnswerMarkerCountAsNoAnswer() {
        try (Backbone model = backbone(); NDManager m = model.manager().newSubManager()) {
            Answer answer = method.solve(model, new Batch(List.of(EXAMPLE), vocabulary, m), stage, new Decoding(3)).get(0);
            assertTrue(answer.generatedTokens() <= 3, "stops at maxNewTokens");
        }
    }

    private Backbone backbone() {
        return new GptBackboneFactory(Engine.getEngine("PyTorch"))
                .create(new BackboneConfig(vocabulary.size(), 32, 1, 2, 128), ai.djl.Device.cpu(), 3);
    }
}
