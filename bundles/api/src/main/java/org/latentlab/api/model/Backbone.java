package org.latentlab.api.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A decoder language model that runs from input embeddings, so a method may feed back continuous vectors
 * in place of token embeddings. Parameters live in {@link #manager()} until {@link #close()}.
 */
@ProviderType
public interface Backbone extends AutoCloseable {

    BackboneConfig config();

    /** The manager that owns the parameters; create per-step managers under it. */
    NDManager manager();

    /** Token embeddings: {@code [batch, T]} int ids to {@code [batch, T, dModel]}. */
    NDArray embed(NDArray tokenIds);

    /**
     * Runs the blocks over input embeddings {@code [batch, T, dModel]} whose first position is {@code startPosition}.
     * With a cache, attends to the cached positions too and appends the new keys and values; without one
     * ({@code null}), attends causally within the input only.
     */
    Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps);

    /** Logits from hidden states after the final norm: {@code [..., dModel]} to {@code [..., vocabulary]}. */
    NDArray lmHead(NDArray hidden);

    /** An empty key/value cache for this backbone. */
    KvCache newCache();

    /** The trainable parameters by name, in a fixed order. */
    Map<String, NDArray> parameters();

    /** Number of trainable scalars. */
    long parameterCount();

    /** Writes every parameter to a file. */
    void save(Path file) throws IOException;

    /** Reads parameters written by {@link #save(Path)}; shapes must match this backbone's. */
    void load(Path file) throws IOException;

    /** Frees the parameters' native memory. */
    @Override
    void close();
}
