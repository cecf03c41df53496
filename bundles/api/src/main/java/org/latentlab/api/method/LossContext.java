package org.latentlab.api.method;

import java.util.Map;

import org.latentlab.api.model.Backbone;

/** What a loss may read besides the trace. */
public record LossContext(Backbone model, Batch batch, CurriculumStage stage, Map<String, Object> options) {
    public LossContext {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
