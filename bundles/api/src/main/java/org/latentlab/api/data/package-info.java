/** Examples, datasets, their adapters and the word-level vocabulary. */
@Export
@Version("1.3.0")
package org.latentlab.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
