package org.latentlab.api.model;

import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * The result of one backbone pass over {@code T} new positions.
 *
 * @param hidden         the last hidden state after the final norm, {@code [batch, T, dModel]}
 * @param logits         {@code [batch, T, vocabulary]}, or null when not requested
 * @param residualStream hook name to {@code [batch, T, dModel]}, empty when not requested
 */
public record Forward(NDArray hidden, NDArray logits, Map<String, NDArray> residualStream) {
    public Forward {
        residualStream = residualStream == null ? Map.of() : Map.copyOf(residualStream);
    }
}
