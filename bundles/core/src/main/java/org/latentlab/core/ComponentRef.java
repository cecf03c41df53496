package org.latentlab.core;

import java.util.Set;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.method.ReasoningMethod;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.probe.Probe;
import org.osgi.framework.Version;

/**
 * A component as found in the registry.
 *
 * @param kind    what it is
 * @param name    its component name
 * @param service the service object
 * @param bundle  the providing bundle's symbolic name
 * @param version the providing bundle's version
 * @param ranking service ranking; the highest wins among same-named providers
 */
record ComponentRef<T>(ComponentKind kind, String name, T service, String bundle, Version version, int ranking) {

    /** What {@code latent:components} lists and a run records: for a method what it provides, for a loss or probe what it requires. */
    ComponentInfo info() {
        Set<Capability> capabilities = switch (kind) {
            case METHOD -> ((ReasoningMethod) service).provides();
            case LOSS -> ((SupervisionLoss) service).requires();
            case PROBE -> ((Probe) service).requires();
            default -> Set.of();
        };
        return new ComponentInfo(kind, name, bundle, version.toString(), capabilities);
    }
}
