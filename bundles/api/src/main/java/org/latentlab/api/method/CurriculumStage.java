package org.latentlab.api.method;

import java.util.Map;

/**
 * One stage of a method's training curriculum.
 *
 * @param index    0 for the first stage
 * @param name     what the stage does, for progress lines and metrics
 * @param epochs   passes over the training data in this stage
 * @param settings the method's own settings for this stage (its options, the number of latent steps...)
 */
public record CurriculumStage(int index, String name, int epochs, Map<String, Object> settings) {
    public CurriculumStage {
        settings = settings == null ? Map.of() : Map.copyOf(settings);
    }

    /**
     * This stage with {@code overrides} laid over its settings, as a probe runs a method with other options than it was
     * trained with: a key given replaces the stage's setting, a null value removes it. This stage itself when there are
     * no overrides.
     */
    public CurriculumStage withSettings(Map<String, ?> overrides) {
        if (overrides == null || overrides.isEmpty()) {
            return this;
        }
        Map<String, Object> merged = new java.util.LinkedHashMap<>(settings);
        overrides.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        return new CurriculumStage(index, name, epochs, merged);
    }
}
