package org.latentlab.api.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

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
     * ({@code null}), attends causally within the input only. A cache that holds padded columns from
     * {@link #forward(NDArray, NDArray, NDArray, KvCache, Taps)} cannot be continued by this forward
     * ({@link IllegalStateException}).
     */
    Forward forward(NDArray inputEmbeddings, int startPosition, KvCache cache, Taps taps);

    /**
     * Runs the blocks over a padded batch whose rows have positions of their own, as when left-padded rows of
     * different lengths must line up at one column. {@code positions} {@code [batch, T]} (an integer type) are each
     * input's position ids, gathered per row, so a row's real inputs can be numbered 0, 1, 2, ... whatever its padding;
     * entries at padding are ignored. {@code keyMask} {@code [batch, T]} is 1 at a real input and 0 at padding (boolean,
     * integer or floating point; {@code null} for no padding). Query column i sees column j iff j &le; i in
     * cache-then-pass order and j is real (or j = i): padding is never attended to, in this pass or in any later pass
     * through the cache, which remembers the mask of every cached column. Real positions' outputs therefore do not
     * depend on the padding's values, and padding inputs get zero gradient; outputs at padding are finite but
     * meaningless. The cache may have been filled by either forward; its length counts columns, padding included.
     *
     * @throws IllegalArgumentException when a shape, type or mask value does not fit, or a real position lies outside
     *                                  {@code [0, maxPositions)}
     */
    Forward forward(NDArray inputEmbeddings, NDArray positions, NDArray keyMask, KvCache cache, Taps taps);

    /** Logits from hidden states after the final norm: {@code [..., dModel]} to {@code [..., vocabulary]}. */
    NDArray lmHead(NDArray hidden);

    /**
     * The final norm alone: a residual-stream state {@code [..., dModel]} to what {@link #lmHead(NDArray)} reads, so that
     * any layer's residual can be decoded as if it were the last (the logit lens).
     */
    NDArray finalNorm(NDArray residual);

    /**
     * Sets token {@code token}'s input embedding (and, with a tied head, its output row) to a copy of token {@code from}'s,
     * as methods initialise the special tokens they add. Call it before training, outside any gradient recording.
     *
     * @throws IllegalArgumentException when either id lies outside the vocabulary
     */
    void copyEmbedding(int from, int token);

    /** An empty key/value cache for this backbone. */
    KvCache newCache();

    /**
     * A parameter that a method adds to the model (CoLaR's latent head, HRPO's gates): created from {@code initial}
     * (row-major, {@code shape.size()} values) the first time its name is asked for, and returned as it is on every later
     * call with the same name and shape. It is owned by the backbone and listed in {@link #parameters()} after the
     * backbone's own, so the optimizer trains it and {@link #save(Path)} and {@link #load(Path)} keep it with the rest.
     * Call it from {@link org.latentlab.api.method.ReasoningMethod#initialise}, outside gradient recording, so that a
     * copy of the model made for a reference or a checkpoint has it too; read it afterwards from {@link #parameters()}.
     *
     * @throws IllegalArgumentException when the name is a parameter of another shape, or {@code initial} does not fit
     *                                  {@code shape}
     */
    NDArray addParameter(String name, Shape shape, float[] initial);

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
