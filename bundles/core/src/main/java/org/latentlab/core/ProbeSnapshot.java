package org.latentlab.core;

import java.util.Map;

/** A probe's scalars at one training step, a line of {@code probe-<name>-training.jsonl}. */
public record ProbeSnapshot(long step, int stage, Map<String, Double> scalars) {
}
