package org.latentlab.api.experiment;

/**
 * A host that trains runs, as the run store last heard from it.
 *
 * @param id        the worker's name (etc/org.latentlab.store.cfg's {@code worker}, else host name and process id)
 * @param host      the host it runs on
 * @param device    the device it trains on ("cpu()", "gpu(0)")
 * @param run       the run it trains now, or null when it waits for one
 * @param started   when it started (ISO-8601)
 * @param heartbeat when it last said it was alive (ISO-8601)
 * @param alive     whether that was within its lease: a worker that is not alive loses its run to another
 * @since 1.8
 */
public record WorkerStatus(String id, String host, String device, String run, String started, String heartbeat, boolean alive) {
}
