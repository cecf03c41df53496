package org.latentlab.api.experiment;

/** Where a run is in its life. */
public enum RunState {
    /** Waiting in the queue for the trainer. */
    QUEUED,
    /** Training, evaluating or probing. */
    RUNNING,
    /** Trained, evaluated and recorded. */
    COMPLETED,
    /** Stopped by an error; its message says which, and a run with a checkpoint can be resumed. */
    FAILED,
    /** Stopped on request. */
    CANCELLED,
    /** The platform stopped while the run was training; it can be resumed from its last checkpoint. */
    INTERRUPTED,
    /** A part it uses left the registry; it continues from its checkpoint when a provider is back (or on resume). */
    WAITING,
    /** The training loss became NaN or infinite; its last good checkpoint is kept. */
    DIVERGED;

    /** Whether the run has ended for good: nothing more will happen to it unless it is resumed. */
    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == DIVERGED;
    }

    /** Whether {@code latent:resume} may continue the run from its last checkpoint. */
    public boolean resumable() {
        return this == FAILED || this == CANCELLED || this == INTERRUPTED || this == WAITING;
    }
}
