package org.latentlab.api.probe;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.model.Backbone;

/** What a probe reads: the trained model, the method as trained at {@code stage}, and data. */
public record ProbeContext(Backbone model, ReasoningMethod method, CurriculumStage stage, List<Example> examples,
                           Vocabulary vocabulary, NDManager manager, Map<String, Object> options) {
    public ProbeContext {
        examples = List.copyOf(examples);
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
