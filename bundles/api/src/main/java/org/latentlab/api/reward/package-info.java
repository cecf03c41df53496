/** Rewards: how the policy-gradient trainers score an answer. */
@Export
@Version("1.1.0")
package org.latentlab.api.reward;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
