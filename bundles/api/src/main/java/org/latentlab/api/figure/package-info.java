/** Figures as data: what a run's report and dashboard plot, independent of how they are drawn. */
@Export
@Version("1.0.0")
package org.latentlab.api.figure;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
