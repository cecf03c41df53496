/** The backbone contract: embeddings in, hidden states, logits and residual stream out, with a key/value cache. */
@Export
@Version("1.2.0")
package org.latentlab.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
