package org.latentlab.api.method;

import java.util.List;
import java.util.Map;

/**
 * The stages a method trains through, in order; inference uses the last one. The platform resets the optimizer's
 * state at every switch to a new stage.
 */
public record Curriculum(List<CurriculumStage> stages) {
    public Curriculum {
        if (stages == null || stages.isEmpty()) {
            throw new IllegalArgumentException("A curriculum needs at least one stage.");
        }
        stages = List.copyOf(stages);
    }

    /** One stage of {@code epochs} epochs carrying the method's options. */
    public static Curriculum single(int epochs, Map<String, Object> options) {
        return new Curriculum(List.of(new CurriculumStage(0, "train", epochs, options)));
    }

    public CurriculumStage last() {
        return stages.get(stages.size() - 1);
    }

    public int totalEpochs() {
        return stages.stream().mapToInt(CurriculumStage::epochs).sum();
    }
}
