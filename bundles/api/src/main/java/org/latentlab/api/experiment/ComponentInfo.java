package org.latentlab.api.experiment;

import java.util.Set;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentKind;

/**
 * A component found in the service registry.
 *
 * @param kind          method, loss, dataset, probe or backbone
 * @param name          its component name
 * @param bundle        symbolic name of the bundle that provides it
 * @param version       that bundle's version
 * @param capabilities  for a method what it provides; for a loss or probe what it requires
 */
public record ComponentInfo(ComponentKind kind, String name, String bundle, String version, Set<Capability> capabilities) {
    public ComponentInfo {
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
    }
}
