/** Names and capabilities shared by every Latent Lab component. */
@Export
@Version("1.4.0")
package org.latentlab.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
