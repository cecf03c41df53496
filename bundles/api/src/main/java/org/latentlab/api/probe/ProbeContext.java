package org.latentlab.api.probe;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Batch;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;

/**
 * What a probe reads: the trained model, the method as trained at {@code stage}, data, and the experiment's training
 * objective ({@code objective}, null where the caller has none), so that a probe can differentiate what training
 * differentiates.
 */
public record ProbeContext(Backbone model, ReasoningMethod method, CurriculumStage stage, List<Example> examples,
                           Vocabulary vocabulary, NDManager manager, Map<String, Object> options, Objective objective) {
    public ProbeContext {
        examples = List.copyOf(examples);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** A context without the training objective, as API 1.2 built it. */
    public ProbeContext(Backbone model, ReasoningMethod method, CurriculumStage stage, List<Example> examples, Vocabulary vocabulary,
                        NDManager manager, Map<String, Object> options) {
        this(model, method, stage, examples, vocabulary, manager, options, null);
    }

    /** The experiment's training loss: its spec's losses on a trace, weighted and summed, as one scalar. */
    @FunctionalInterface
    public interface Objective {
        NDArray loss(LatentTrace trace, Batch batch, CurriculumStage stage);
    }

    /** What a probe does with the trace of one batch; the trace's arrays are freed when it returns. */
    @FunctionalInterface
    public interface TraceReader {
        /** {@code batch} holds {@code examples.get(from)} onward, in order. */
        void read(int from, List<Example> batch, LatentTrace trace);
    }

    /**
     * Runs the method's training pass over {@code examples} in batches of {@code batchSize}, at this context's stage with
     * {@code methodSettings} laid over its settings ({@link CurriculumStage#withSettings(Map)}), each batch in a manager of
     * its own that closes once {@code reader} has read its trace, so memory stays flat however many examples are probed.
     */
    public void forEachTrace(List<Example> examples, int batchSize, Map<String, ?> methodSettings, TraceReader reader) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, not " + batchSize + ".");
        }
        CurriculumStage at = stage.withSettings(methodSettings);
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<Example> batch = examples.subList(from, Math.min(from + batchSize, examples.size()));
            try (NDManager scope = manager.newSubManager()) {
                reader.read(from, batch, method.forward(model, new Batch(batch, vocabulary, scope), at));
            }
        }
    }
}
