package org.latentlab.api.probe;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.Capability;
import org.latentlab.api.figure.Figure;

import org.osgi.annotation.versioning.ConsumerType;

/** A probe plugin: looks inside a trained model without changing it. */
@ConsumerType
public interface Probe {

    /**
     * The option every probe takes, read by the platform and never passed to the probe: {@code "every": N} runs the probe
     * after every N training steps as well as after training, and records each of those reports with its step in
     * {@code probe-<name>-training.jsonl}, so that a quantity can be followed over training.
     */
    String EVERY = "every";

    /** What the method must provide for this probe. */
    Set<Capability> requires();

    /** Option names this probe understands; a spec naming any other is refused. */
    default Set<String> options() {
        return Set.of();
    }

    /**
     * Checks option values before training starts, so a bad value is refused at once instead of after the run has
     * trained: throws {@link IllegalArgumentException} with one sentence naming the option. Accepts anything by
     * default.
     */
    default void checkOptions(Map<String, Object> options) {
    }

    ProbeReport run(ProbeContext context);

    /**
     * The figures this probe's report is best read as (values by node height, information per latent step...), drawn by
     * the platform in reports and on the dashboard beside the report's tables. Called on a report this probe made, maybe
     * long after the run; none by default, and then the report shows the tables and, for a probe followed over training,
     * each scalar against the step.
     *
     * @since 1.4
     */
    default List<Figure> figures(ProbeReport report) {
        return List.of();
    }
}
