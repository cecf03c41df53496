package org.latentlab.core;

import java.util.List;

import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.experiment.ComponentSpec;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.model.BackboneFactory;
import org.latentlab.api.probe.Probe;
import org.latentlab.api.reward.Reward;

/**
 * A spec with every part resolved from the registry: what one run trains with ({@code reward} only with GRPO,
 * {@code searchReward} only when evaluation searches at test time).
 */
record Experiment(ExperimentSpec spec,
                  ComponentRef<DatasetAdapter> dataset,
                  ComponentRef<BackboneFactory> backbone,
                  ComponentRef<ReasoningMethod> method,
                  List<Configured<SupervisionLoss>> losses,
                  List<Configured<Probe>> probes,
                  Configured<Reward> reward,
                  Configured<Reward> searchReward) {

    /** A loss or probe with its weight and options from the spec. */
    record Configured<T>(ComponentRef<T> ref, ComponentSpec spec) {
    }

    /** Every part, for checking that none was withdrawn. */
    List<ComponentRef<?>> parts() {
        java.util.ArrayList<ComponentRef<?>> all = new java.util.ArrayList<>(List.of(dataset, backbone, method));
        losses.forEach(l -> all.add(l.ref()));
        probes.forEach(p -> all.add(p.ref()));
        if (reward != null) {
            all.add(reward.ref());
        }
        if (searchReward != null) {
            all.add(searchReward.ref());
        }
        return all;
    }

    /** "name version" of the method, as results record it. */
    String methodLabel() {
        return method.name() + " " + method.version();
    }
}
