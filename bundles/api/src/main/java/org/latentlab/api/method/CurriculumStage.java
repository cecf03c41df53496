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
}
