package org.latentlab.method.cot2;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.method.LatentTrace;

/**
 * A batch of CoT2 sequences, right-padded to a common length: each row is its prompt {@code <bos> question <sep>}
 * (P tokens), s continuous slots, then tokens ({@code <answer> answer <eos>} in training, {@code <answer>} and the
 * sampled answer tokens when a policy's rollout is scored). Column c holds position c; causal attention means the
 * right padding never changes a real column. Slot i (0-based) of row b sits in column P + i and is predicted by the
 * output of column P + i − 1.
 *
 * @param ids           token ids, {@code <pad>} at the slots and at padding, row-major {@code [batch, T]}
 * @param soft          true at a continuous slot, row-major {@code [batch, T]}
 * @param promptLengths per row, P
 * @param steps         per row, its number of continuous slots s
 * @param lengths       per row, its real columns
 * @param batch         rows
 * @param length        columns T
 * @param maxSteps      the most slots of any row
 */
record Rows(int[] ids, boolean[] soft, int[] promptLengths, int[] steps, int[] lengths, int batch, int length, int maxSteps) {

    /** Lays out prompt, {@code steps[b]} slots and continuation for every row b. */
    static Rows of(List<List<Integer>> prompts, int[] steps, List<List<Integer>> continuations, int pad) {
        int batch = prompts.size();
        int[] promptLengths = new int[batch];
        int[] lengths = new int[batch];
        int length = 0;
        int maxSteps = 0;
        for (int b = 0; b < batch; b++) {
            promptLengths[b] = prompts.get(b).size();
            lengths[b] = promptLengths[b] + steps[b] + continuations.get(b).size();
            length = Math.max(length, lengths[b]);
            maxSteps = Math.max(maxSteps, steps[b]);
        }
        int[] ids = new int[batch * length];
        boolean[] soft = new boolean[batch * length];
        Arrays.fill(ids, pad);
        for (int b = 0; b < batch; b++) {
            int c = b * length;
            for (int id : prompts.get(b)) {
                ids[c++] = id;
            }
            for (int i = 0; i < steps[b]; i++) {
                soft[c++] = true;
            }
            for (int id : continuations.get(b)) {
                ids[c++] = id;
            }
        }
        return new Rows(ids, soft, promptLengths, steps.clone(), lengths, batch, length, maxSteps);
    }

    /** Real columns in all. */
    long tokens() {
        return Arrays.stream(lengths).asLongStream().sum();
    }

    /** The column of row b's slot i. */
    int slotColumn(int b, int i) {
        return promptLengths[b] + i;
    }

    /** The column whose output predicts row b's slot i. */
    int predictingColumn(int b, int i) {
        return promptLengths[b] + i - 1;
    }

    /** The first column that is a slot in some row, or {@link #length()} when no row has one. */
    int firstSlotColumn() {
        int first = length;
        for (int b = 0; b < batch; b++) {
            if (steps[b] > 0) {
                first = Math.min(first, promptLengths[b]);
            }
        }
        return first;
    }

    /** The column after the last slot of any row (0 when no row has one). */
    int endOfSlots() {
        int end = 0;
        for (int b = 0; b < batch; b++) {
            if (steps[b] > 0) {
                end = Math.max(end, promptLengths[b] + steps[b]);
            }
        }
        return end;
    }

    /** The token ids {@code [batch, T]} int32. */
    NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(batch, length));
    }

    /** Whether each row has a slot in column c, {@code [batch, 1, 1]} booleans. */
    NDArray slotAt(int c, NDManager manager) {
        boolean[] out = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = soft[b * length + c];
        }
        return manager.create(out, new Shape(batch, 1, 1));
    }

    /**
     * The input embeddings {@code [batch, T, dModel]}: each token's embedding, and at row b's slot i the vector
     * {@code slots[b, i]} of {@code slots} {@code [batch, maxSteps, dModel]}.
     */
    NDArray inputs(NDArray tokenEmbeddings, NDArray slots, NDManager manager) {
        if (maxSteps == 0) {
            return tokenEmbeddings;
        }
        float[] placement = new float[batch * length * maxSteps];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps[b]; i++) {
                placement[(b * length + slotColumn(b, i)) * maxSteps + i] = 1f;
            }
        }
        // a one-hot matrix product copies each slot's vector exactly into its column
        NDArray placed = manager.create(placement, new Shape(batch, length, maxSteps)).matMul(slots);
        NDArray where = manager.create(soft, new Shape(batch, length, 1)).broadcast(tokenEmbeddings.getShape());
        return NDArrays.where(where, placed, tokenEmbeddings);
    }

    /**
     * Per row and slot, the values {@code [batch, maxSteps, width]} that {@code perColumn} {@code [batch, T, width]} holds at
     * the column {@code column(b, i)}, zeros where a row has fewer slots.
     */
    NDArray perSlot(NDArray perColumn, java.util.function.IntBinaryOperator column, NDManager manager) {
        long width = perColumn.getShape().get(2);
        long[] index = new long[batch * maxSteps];
        float[] present = new float[batch * maxSteps];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps[b]; i++) {
                index[b * maxSteps + i] = column.applyAsInt(b, i);
                present[b * maxSteps + i] = 1f;
            }
        }
        Shape shape = new Shape(batch, maxSteps, width);
        NDArray gathered = perColumn.gather(manager.create(index, new Shape(batch, maxSteps, 1)).broadcast(shape), 1);
        return gathered.mul(manager.create(present, new Shape(batch, maxSteps, 1)).toType(perColumn.getDataType(), false));
    }

    /** {@link LatentTrace#STEP_INDEX}: slot i holds the superposition of step i (0-based), −1 where a row has no slot i. */
    NDArray stepIndex(NDManager manager) {
        int[] out = new int[batch * maxSteps];
        Arrays.fill(out, -1);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps[b]; i++) {
                out[b * maxSteps + i] = i;
            }
        }
        return manager.create(out, new Shape(batch, maxSteps));
    }

    /** {@link LatentTrace#LATENT_COLUMNS}: per row and slot, the column whose output was fed into it, −1 where absent. */
    NDArray latentColumns(NDManager manager) {
        int[] out = new int[batch * maxSteps];
        Arrays.fill(out, -1);
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < steps[b]; i++) {
                out[b * maxSteps + i] = predictingColumn(b, i);
            }
        }
        return manager.create(out, new Shape(batch, maxSteps)).toType(DataType.INT32, false);
    }
}
