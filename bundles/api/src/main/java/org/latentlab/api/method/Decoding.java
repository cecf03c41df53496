package org.latentlab.api.method;

/**
 * How to generate at evaluation time.
 *
 * @param maxNewTokens stop after this many generated tokens if no end-of-sequence token came
 */
public record Decoding(int maxNewTokens) {
    public Decoding {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive, not " + maxNewTokens + ".");
        }
    }
}
