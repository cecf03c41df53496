package org.latentlab.core;

import org.latentlab.api.ComponentKind;
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
}
