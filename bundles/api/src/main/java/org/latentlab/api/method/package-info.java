/** Reasoning methods and supervision losses, and the trace a training pass leaves for the losses. */
@Export
@Version("1.5.0")
package org.latentlab.api.method;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
