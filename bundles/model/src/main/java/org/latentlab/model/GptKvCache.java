package org.latentlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.KvCache;

/**
 * The keys and values of every layer for the positions a {@link GptBackbone} has seen.
 *
 * <p>Memory: the cached arrays belong to a manager of the cache's own, a sub-manager of the manager of the inputs of
 * the first pass through the cache (or of the manager given to {@link GptBackbone#newCache(NDManager)}). They
 * therefore survive the per-call managers of later passes, and are freed with the manager of that first pass (the
 * step's or the example's), by {@link #close()}, or by {@code truncate(0)}. The cache holds one key and one value
 * array per layer; the arrays it replaces when it grows or shrinks are freed at once.
 *
 * <p>Gradients: nothing is detached, so a loss on a later pass reaches the inputs and parameters of every earlier
 * pass through the cached keys and values.
 *
 * <p>Padding: the cache remembers, per row, which cached columns were real inputs and which were padding (a Java
 * array, only once a padded column has been cached), so later passes never attend to the padding either. A cache
 * holding padding can only be continued by the per-row-position forward.
 */
public final class GptKvCache implements KvCache {
    private final BackboneConfig config;
    private final NDManager parent;
    private final NDArray[] keysT;     // per layer [batch, heads, headDim, length]
    private final NDArray[] values;    // per layer [batch, heads, length, headDim]
    private final NDArray[] pendingKeysT;
    private final NDArray[] pendingValues;
    private NDManager owner;
    private int length;
    private boolean[][] keyReal;       // per row, per cached column: a real input (true) or padding; null while no column is padding

    GptKvCache(BackboneConfig config, NDManager parent) {
        this.config = config;
        this.parent = parent;
        this.keysT = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        this.pendingKeysT = new NDArray[config.layers()];
        this.pendingValues = new NDArray[config.layers()];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("A key/value cache of " + length + " positions cannot be truncated to "
                    + newLength + "; give a length from 0 to " + length + ".");
        }
        if (newLength == length) {
            return;
        }
        if (newLength == 0) {
            close();
            return;
        }
        requireOpen();
        for (int layer = 0; layer < keysT.length; layer++) {
            NDArray keptKeys = keysT[layer].get(owner, new NDIndex(":, :, :, :{}", newLength));
            NDArray keptValues = values[layer].get(owner, new NDIndex(":, :, :{}", newLength));
            keysT[layer].close();
            values[layer].close();
            keysT[layer] = keptKeys;
            values[layer] = keptValues;
        }
        if (keyReal != null) {
            boolean[][] kept = new boolean[keyReal.length][];
            for (int row = 0; row < kept.length; row++) {
                kept[row] = java.util.Arrays.copyOf(keyReal[row], newLength);
            }
            keyReal = anyPadding(kept) ? kept : null;
        }
        length = newLength;
    }

    /** Frees the cached arrays now; the cache is empty afterwards and may be used again. */
    @Override
    public void close() {
        discardPending();
        if (owner != null) {
            owner.close();
            owner = null;
        }
        java.util.Arrays.fill(keysT, null);
        java.util.Arrays.fill(values, null);
        keyReal = null;
        length = 0;
    }

    /** Whether any cached column is padding. */
    boolean hasPadding() {
        return keyReal != null;
    }

    /** Whether cached column {@code column} of row {@code row} is a real input rather than padding. */
    boolean isReal(int row, int column) {
        return keyReal == null || keyReal[row][column];
    }

    /** Checks that a pass of {@code batch} sequences starting at {@code startPosition} may use this cache. */
    void checkNextPass(BackboneConfig backboneConfig, long batch, int startPosition) {
        checkBackbone(backboneConfig);
        if (keyReal != null) {
            throw new IllegalStateException("This key/value cache holds padded columns, whose rows have positions of their own;"
                    + " continue it with forward(inputEmbeddings, positions, keyMask, cache, taps), not with a start position.");
        }
        if (startPosition != length) {
            throw new IllegalArgumentException("A pass with a key/value cache of " + length + " positions must start at position "
                    + length + ", not " + startPosition + "; truncate the cache to branch from an earlier position.");
        }
        checkBatch(batch);
    }

    /** Checks that a pass of {@code batch} sequences with positions of their own may use this cache. */
    void checkNextPaddedPass(BackboneConfig backboneConfig, long batch) {
        checkBackbone(backboneConfig);
        checkBatch(batch);
    }

    private void checkBackbone(BackboneConfig backboneConfig) {
        if (!config.equals(backboneConfig)) {
            throw new IllegalArgumentException("This key/value cache was made by a backbone with " + config
                    + ", not " + backboneConfig + "; use the backbone's own newCache().");
        }
    }

    private void checkBatch(long batch) {
        if (length > 0) {
            requireOpen();
            long cachedBatch = keysT[0].getShape().get(0);
            if (cachedBatch != batch) {
                throw new IllegalArgumentException("This key/value cache holds " + cachedBatch + " sequences but the pass has "
                        + batch + "; use one cache per batch.");
            }
        }
    }

    /**
     * This pass's keys and values appended to the cached ones, for layer {@code layer}; they become the cache's at
     * {@link #commit(int, int, boolean[])} once every layer has run.
     */
    NDArray[] extend(int layer, NDArray newKeysT, NDArray newValues) {
        if (length == 0) {
            pendingKeysT[layer] = newKeysT;
            pendingValues[layer] = newValues;
        } else {
            // the cached array comes first, so the concatenation belongs to the cache's manager
            pendingKeysT[layer] = keysT[layer].concat(newKeysT, 3);
            pendingValues[layer] = values[layer].concat(newValues, 2);
        }
        return new NDArray[] {pendingKeysT[layer], pendingValues[layer]};
    }

    /**
     * Makes the pending keys and values of every layer the cache's, now {@code time} columns longer; {@code passReal}
     * {@code [batch * time]}, row-major, tells which new columns are real inputs ({@code null}: all of them).
     */
    void commit(int batch, int time, boolean[] passReal) {
        if (owner == null) {
            NDManager base = parent != null ? parent : pendingKeysT[0].getManager();
            if (!base.isOpen()) {
                throw new IllegalStateException("The manager given to newCache(...) is closed; make a new cache.");
            }
            owner = base.newSubManager();
        }
        for (int layer = 0; layer < keysT.length; layer++) {
            pendingKeysT[layer].attach(owner);
            pendingValues[layer].attach(owner);
            if (keysT[layer] != null) {
                keysT[layer].close();
                values[layer].close();
            }
            keysT[layer] = pendingKeysT[layer];
            values[layer] = pendingValues[layer];
        }
        java.util.Arrays.fill(pendingKeysT, null);
        java.util.Arrays.fill(pendingValues, null);
        if (passReal != null || keyReal != null) {
            boolean[][] grown = new boolean[batch][length + time];
            for (int row = 0; row < batch; row++) {
                for (int column = 0; column < length; column++) {
                    grown[row][column] = isReal(row, column);
                }
                for (int t = 0; t < time; t++) {
                    grown[row][length + t] = passReal == null || passReal[row * time + t];
                }
            }
            keyReal = anyPadding(grown) ? grown : null;
        }
        length += time;
    }

    private static boolean anyPadding(boolean[][] real) {
        for (boolean[] row : real) {
            for (boolean column : row) {
                if (!column) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Drops what a failed pass appended; the cache is as it was before the pass. */
    void discardPending() {
        for (int layer = 0; layer < pendingKeysT.length; layer++) {
            if (owner != null && pendingKeysT[layer] != null && pendingKeysT[layer].getManager() == owner) {
                pendingKeysT[layer].close();
                pendingValues[layer].close();
            }
        }
        java.util.Arrays.fill(pendingKeysT, null);
        java.util.Arrays.fill(pendingValues, null);
    }

    private void requireOpen() {
        if (owner == null || !owner.isOpen()) {
            throw new IllegalStateException("The key/value cache's arrays were freed when the manager of its first pass was closed;"
                    + " run the first pass in a manager that outlives the cache, or make the cache with newCache(manager).");
        }
    }
}
