package org.latentlab.api.experiment;

/** A spec the platform cannot run; the message is one sentence naming the problem and what to do. */
public class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
