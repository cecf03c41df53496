/** The compute engine service: DJL's PyTorch engine, the device choice, and serialised training steps. */
@Export
@Version("1.0.0")
package org.latentlab.engine;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
