package org.latentlab.probe.logitlens;

/**
 * One place of a trace the lens reads.
 *
 * @param row     the example's row in the batch
 * @param column  the trace column whose residual stream is decoded
 * @param thought which continuous thought of the row this column holds, or -1 for a token position
 * @param target  the label at this column (the token it should predict), or {@code LatentTrace.IGNORE}
 */
record LensPosition(int row, int column, int thought, int target) {
}
