/** Probes: read a trained model, a method and data; return figures and tables; never change the model. */
@Export
@Version("1.4.0")
package org.latentlab.api.probe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
