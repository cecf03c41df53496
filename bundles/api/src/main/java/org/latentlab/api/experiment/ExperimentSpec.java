package org.latentlab.api.experiment;

import java.util.List;

import org.latentlab.api.data.DatasetSpec;

/**
 * Everything an experiment is: which parts, how large, how trained and evaluated. Read from JSON; an
 * unknown field is an error.
 */
public record ExperimentSpec(String name, Long seed, String device, DatasetSpec dataset, BackboneSpec backbone,
                             ComponentSpec method, List<ComponentSpec> losses, List<ComponentSpec> probes,
                             TrainingSpec training, EvaluationSpec evaluation) {
    public ExperimentSpec {
        seed = seed == null ? 42L : seed;
        device = device == null ? "auto" : device;
        backbone = backbone == null ? new BackboneSpec(null, null, null, null, null) : backbone;
        losses = losses == null || losses.isEmpty() ? List.of(ComponentSpec.named("language")) : List.copyOf(losses);
        probes = probes == null ? List.of() : List.copyOf(probes);
        training = training == null ? new TrainingSpec(null, null, null, null, null, null, null, null) : training;
        evaluation = evaluation == null ? new EvaluationSpec(null, null, null) : evaluation;
    }
}
