package org.latentlab.api.model;

import org.osgi.annotation.versioning.ProviderType;

/** Keys and values of the positions a backbone has already seen, so later passes attend to them without recomputing. */
@ProviderType
public interface KvCache extends AutoCloseable {
    /**
     * Number of cached columns, padding included; the next pass of {@code forward(inputs, startPosition, ...)} starts
     * at this position.
     */
    int length();

    /** Forgets the cached positions from {@code length} on, so a pass can branch from an earlier prefix. */
    void truncate(int length);

    /** Frees the cached keys and values; the cache is empty after. Closing twice does nothing. */
    @Override
    void close();
}
