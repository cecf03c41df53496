package org.latentlab.method.colar;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of CoLaR sequences, right-padded to a common length: each row is its prompt {@code <bos> question <sep>
 * <speed-r> <bot>} (P columns), m latent slots, then tokens ({@code <eot> <answer> answer <eos>} in training, {@code
 * <eot>} and the sampled answer tokens when a rollout is scored). Column c holds position c; causal attention means the
 * right padding never changes a real column. Slot i (0-based) of row b sits in column P + i and is predicted by the
 * output of column P + i − 1 (the {@code <bot>} column for the first).
 *
 * @param ids           token ids, {@code <pad>} at the slots and at padding, row-major {@code [batch, T]}
 * @param promptLengths per row, P
 * @param slots         per row, its number of latent slots m
 * @param lengths       per row, its real columns
 * @param batch         rows
 * @param length        columns T
 * @param maxSlots      the most slots of any row
 */
record LatentRows(int[] ids, int[] promptLengths, int[] slots, int[] lengths, int batch, int length, int maxSlots) {

    /** Lays out prompt, {@code slots[b]} latent slots and continuation for every row b. */
    static LatentRows of(List<List<Integer>> prompts, int[] slots, List<List<Integer>> continuations, int pad) {
        int batch = prompts.size();
        int[] promptLengths = new int[batch];
        int[] lengths = new int[batch];
        int length = 0;
        int maxSlots = 0;
        for (int b = 0; b < batch; b++) {
            promptLengths[b] = prompts.get(b).size();
            lengths[b] = promptLengths[b] + slots[b] + continuations.get(b).size();
            length = Math.max(length, lengths[b]);
            maxSlots = Math.max(maxSlots, slots[b]);
        }
        int[] ids = new int[batch * length];
        Arrays.fill(ids, pad);
        for (int b = 0; b < batch; b++) {
            int c = b * length;
            for (int id : prompts.get(b)) {
                ids[c++] = id;
            }
            c += slots[b];
            for (int id : continuations.get(b)) {
                ids[c++] = id;
            }
        }
        return new LatentRows(ids, promptLengths, slots.clone(), lengths, batch, length, maxSlots);
    }

    /** Real columns in all. */
    long tokens() {
        return Arrays.stream(lengths).asLongStream().sum();
    }

    /** The column of row b's slot i. */
    int slotColumn(int b, int i) {
        return promptLengths[b] + i;
    }

    /** The column whose output predicts row b's slot i (its latent and a token of its group). */
    int predictingColumn(int b, int i) {
        return promptLengths[b] + i - 1;
    }

    /** The token ids {@code [batch, T]} int32. */
    NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(batch, length));
    }

    /**
     * The input embeddings {@code [batch, T, dModel]}: each token's embedding, and at row b's slot i the vector {@code
     * latents[b, i]} of {@code latents} {@code [batch, maxSlots, dModel]}.
     */
    NDArray inputs(NDArray tokenEmbeddings, NDArray latents, NDManager manager) {
        if (maxSlots == 0) {
            return tokenEmbeddings;
        }
        float[] placement = new float[batch * length * maxSlots];
        boolean[] slot = new boolean[batch * length];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < slots[b]; i++) {
                placement[(b * length + slotColumn(b, i)) * maxSlots + i] = 1f;
                slot[b * length + slotColumn(b, i)] = true;
            }
        }
        // a one-hot matrix product copies each latent exactly into its column
        NDArray placed = manager.create(placement, new Shape(batch, length, maxSlots)).matMul(latents);
        NDArray where = manager.create(slot, new Shape(batch, length, 1)).broadcast(tokenEmbeddings.getShape());
        return NDArrays.where(where, placed, tokenEmbeddings);
    }

    /**
     * The rows {@code [n, width]} of {@code perColumn} {@code [batch, T, width]} at the columns that predict each present
     * slot, in row-major (row, slot) order, n the number of slots in all.
     */
    NDArray atPredictingColumns(NDArray perColumn, NDManager manager) {
        long width = perColumn.getShape().get(2);
        long[] index = new long[Arrays.stream(slots).sum()];
        int k = 0;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < slots[b]; i++) {
                index[k++] = (long) b * length + predictingColumn(b, i);
            }
        }
        NDArray flat = perColumn.reshape(batch * (long) length, width);
        return flat.gather(manager.create(index, new Shape(index.length, 1)).broadcast(new Shape(index.length, width)), 0);
    }

    /** The rows {@code [n, width]} of {@code perSlot} {@code [batch, maxSlots, width]} of each present slot, in (row, slot) order. */
    NDArray present(NDArray perSlot, NDManager manager) {
        long width = perSlot.getShape().get(2);
        long[] index = new long[Arrays.stream(slots).sum()];
        int k = 0;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < slots[b]; i++) {
                index[k++] = (long) b * maxSlots + i;
            }
        }
        NDArray flat = perSlot.reshape(batch * (long) maxSlots, width);
        return flat.gather(manager.create(index, new Shape(index.length, 1)).broadcast(new Shape(index.length, width)), 0);
    }

    /** {@link org.latentlab.api.method.LatentTrace#LATENT_COLUMNS}: per row and slot, the column whose output predicts it, −1 where absent. */
    NDArray latentColumns(NDManager manager) {
        int[] out = new int[batch * maxSlots];
        Arrays.fill(out, -1);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < slots[b]; i++) {
                out[b * maxSlots + i] = predictingColumn(b, i);
            }
        }
        return manager.create(out, new Shape(batch, maxSlots)).toType(DataType.INT32, false);
    }
}
