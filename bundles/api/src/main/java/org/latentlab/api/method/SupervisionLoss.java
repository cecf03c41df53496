package org.latentlab.api.method;

import java.util.Set;

import ai.djl.ndarray.NDArray;

import org.latentlab.api.Capability;

import org.osgi.annotation.versioning.ConsumerType;

/** A supervision loss plugin: reads a trace and returns a scalar to minimise. */
@ConsumerType
public interface SupervisionLoss {

    /** What the trace must carry for this loss. */
    Set<Capability> requires();

    /** Option names this loss understands; a spec naming any other is refused. */
    default Set<String> options() {
        return Set.of();
    }

    /** The loss as a scalar array that gradients flow through. */
    NDArray compute(LatentTrace trace, LossContext context);
}
