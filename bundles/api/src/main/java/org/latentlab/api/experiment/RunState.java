package org.latentlab.api.experiment;

/** Where a run is in its life. */
public enum RunState {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED, INTERRUPTED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
