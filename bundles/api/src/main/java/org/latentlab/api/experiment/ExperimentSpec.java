package org.latentlab.api.experiment;

import java.util.List;

import org.latentlab.api.data.DatasetSpec;

/**
 * Everything an experiment is: which parts, how large, how trained and evaluated. Read from JSON; an
 * unknown field is an error. {@code grpo}, when present, trains the method further by policy optimization after its
 * supervised curriculum.
 */
public record ExperimentSpec(String name, Long seed, String device, DatasetSpec dataset, BackboneSpec backbone,
                             ComponentSpec method, List<ComponentSpec> losses, List<ComponentSpec> probes,
                             TrainingSpec training, EvaluationSpec evaluation, GrpoSpec grpo) {
    public ExperimentSpec {
        seed = seed == null ? 42L : seed;
        device = device == null ? "auto" : device;
        backbone = backbone == null ? new BackboneSpec(null, null, null, null, null) : backbone;
        losses = losses == null || losses.isEmpty() ? List.of(ComponentSpec.named("language")) : List.copyOf(losses);
        probes = probes == null ? List.of() : List.copyOf(probes);
        training = training == null ? new TrainingSpec(null, null, null, null, null, null, null, null) : training;
        evaluation = evaluation == null ? new EvaluationSpec(null, null, null) : evaluation;
    }

    /** A spec without policy optimization, as API 1.0 and 1.1 built it. */
    public ExperimentSpec(String name, Long seed, String device, DatasetSpec dataset, BackboneSpec backbone,
                          ComponentSpec method, List<ComponentSpec> losses, List<ComponentSpec> probes,
                          TrainingSpec training, EvaluationSpec evaluation) {
        this(name, seed, device, dataset, backbone, method, losses, probes, training, evaluation, null);
    }
}
