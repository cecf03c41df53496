package org.latentlab.api.method;

import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Forward;
import org.latentlab.api.model.KvCache;
import org.latentlab.api.model.Taps;

/**
 * Prompts of different lengths laid out for one batched pass, as policies start their rollouts: each row left-padded so
 * that every prompt's last token stands in the last column, its real tokens numbered from position 0, and padding masked
 * out of attention ({@link Backbone#forward(ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray,
 * KvCache, Taps)}).
 */
public final class LeftPaddedPrompts {

    private final int rows;
    private final int width;
    private final int[] ids;
    private final int[] positions;
    private final int[] real;
    private final int[] lengths;

    private LeftPaddedPrompts(int rows, int width, int[] ids, int[] positions, int[] real, int[] lengths) {
        this.rows = rows;
        this.width = width;
        this.ids = ids;
        this.positions = positions;
        this.real = real;
        this.lengths = lengths;
    }

    /** Lays out {@code prompts} (token ids, none empty), padding with the id {@code pad}. */
    public static LeftPaddedPrompts of(List<List<Integer>> prompts, int pad) {
        int n = prompts.size();
        int width = prompts.stream().mapToInt(List::size).max().orElse(1);
        int[] ids = new int[n * width];
        int[] positions = new int[n * width];
        int[] real = new int[n * width];
        int[] lengths = new int[n];
        for (int b = 0; b < n; b++) {
            List<Integer> prompt = prompts.get(b);
            int offset = width - prompt.size();
            for (int t = 0; t < width; t++) {
                boolean isReal = t >= offset;
                ids[b * width + t] = isReal ? prompt.get(t - offset) : pad;
                positions[b * width + t] = isReal ? t - offset : 0;
                real[b * width + t] = isReal ? 1 : 0;
            }
            lengths[b] = prompt.size();
        }
        return new LeftPaddedPrompts(n, width, ids, positions, real, lengths);
    }

    /** The columns of the layout: the longest prompt's length. */
    public int width() {
        return width;
    }

    /** Each prompt's length, which is also the position its next input takes; a copy the caller may advance. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** The prompts through {@code model}, appended to {@code cache}, with arrays of {@code manager}. */
    public Forward forward(Backbone model, KvCache cache, Taps taps, NDManager manager) {
        Shape table = new Shape(rows, width);
        return model.forward(model.embed(manager.create(ids, table)), manager.create(positions, table), manager.create(real, table),
                cache, taps);
    }
}
