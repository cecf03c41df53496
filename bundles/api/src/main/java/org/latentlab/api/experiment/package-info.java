/** The experiment spec, the records of a run, and the experiment service. */
@Export
@Version("1.8.0")
package org.latentlab.api.experiment;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
