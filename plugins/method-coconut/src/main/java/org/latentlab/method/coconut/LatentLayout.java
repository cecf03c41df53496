package org.latentlab.method.coconut;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.LatentTrace;

/**
 * A batch laid out for Coconut at one stage: each row is {@code <bos> question <bot> <latent>×n <eot> remaining steps
 * <answer> answer <eos>}, left-padded so that every row's first latent slot sits in column {@link #firstLatent()},
 * and right-padded to a common length. Positions count each row's real tokens 0, 1, 2, ...; labels are next-token
 * targets on the tokens after {@code <eot>} only.
 *
 * @param ids         token ids, {@code <latent>} at the slots and {@code <pad>} at padding, row-major {@code [batch, T]}
 * @param positions   position ids, 0 at padding
 * @param real        1 at a real column, 0 at padding
 * @param labels      next-token labels, {@link LatentTrace#IGNORE} where no loss applies
 * @param thoughts    per row, its number of latent slots n
 * @param batch       rows
 * @param length      columns T
 * @param firstLatent the column after every row's {@code <bot>}
 * @param maxThoughts the most latent slots of any row
 * @param tokens      real columns in all
 * @param stepIndex   per row and latent slot i, the explicit step slot i stands for, -1 past the row's slots or steps,
 *                    row-major {@code [batch, maxThoughts]}
 */
record LatentLayout(int[] ids, int[] positions, int[] real, int[] labels, int[] thoughts, int batch, int length,
                    int firstLatent, int maxThoughts, long tokens, int[] stepIndex) {

    static final String BOT = "<bot>";
    static final String EOT = "<eot>";
    static final String LATENT = "<latent>";

    /** The prompt: {@code <bos> question <bot>}. */
    static List<Integer> prompt(Example example, Vocabulary vocabulary) {
        List<Integer> ids = new ArrayList<>();
        ids.add(vocabulary.id(Vocabulary.BOS));
        ids.addAll(vocabulary.encode(example.question()));
        ids.add(vocabulary.id(BOT));
        return ids;
    }

    /** What follows the thoughts: {@code <eot>}, the steps stage k keeps, {@code <answer> answer <eos>}. */
    static List<Integer> continuation(Example example, List<String> remainingSteps, Vocabulary vocabulary) {
        List<Integer> ids = new ArrayList<>();
        ids.add(vocabulary.id(EOT));
        for (String step : remainingSteps) {
            ids.addAll(vocabulary.encode(step));
        }
        ids.add(vocabulary.id(Vocabulary.ANSWER));
        ids.addAll(vocabulary.encode(example.answer()));
        ids.add(vocabulary.id(Vocabulary.EOS));
        return ids;
    }

    /** The batch at stage k, every example at that stage (as at inference). */
    static LatentLayout of(List<Example> examples, int k, CoconutOptions options, Vocabulary vocabulary) {
        return of(examples, k, options, vocabulary, false);
    }

    /**
     * The batch at stage k; for training ({@code mix}), each example may be drawn to another stage with the options'
     * mixing probability.
     */
    static LatentLayout of(List<Example> examples, int k, CoconutOptions options, Vocabulary vocabulary, boolean mix) {
        int batch = examples.size();
        long batchKey = examples.stream().map(Example::id).toList().hashCode();
        List<List<Integer>> prompts = new ArrayList<>();
        List<List<Integer>> continuations = new ArrayList<>();
        int[] thoughts = new int[batch];
        int firstLatent = 0;
        int maxThoughts = 0;
        for (int b = 0; b < batch; b++) {
            Example example = examples.get(b);
            int steps = example.steps().size();
            int stage = mix ? options.trainingStage(k, example.id(), steps, batchKey) : k;
            List<Integer> prompt = prompt(example, vocabulary);
            List<String> remaining = example.steps().subList(options.replacedSteps(stage, steps), steps);
            prompts.add(prompt);
            continuations.add(continuation(example, remaining, vocabulary));
            thoughts[b] = options.thoughts(stage, steps);
            firstLatent = Math.max(firstLatent, prompt.size());
            maxThoughts = Math.max(maxThoughts, thoughts[b]);
        }
        int length = 0;
        for (int b = 0; b < batch; b++) {
            length = Math.max(length, firstLatent + thoughts[b] + continuations.get(b).size());
        }
        int pad = vocabulary.id(Vocabulary.PAD);
        int latent = vocabulary.id(LATENT);
        int[] ids = new int[batch * length];
        int[] positions = new int[batch * length];
        int[] real = new int[batch * length];
        int[] labels = new int[batch * length];
        java.util.Arrays.fill(ids, pad);
        java.util.Arrays.fill(labels, LatentTrace.IGNORE);
        long tokens = 0;
        for (int b = 0; b < batch; b++) {
            List<Integer> row = new ArrayList<>(prompts.get(b));
            for (int i = 0; i < thoughts[b]; i++) {
                row.add(latent);
            }
            int eot = row.size();   // index of <eot> within the row
            row.addAll(continuations.get(b));
            int offset = firstLatent - prompts.get(b).size();
            for (int t = 0; t < row.size(); t++) {
                int column = b * length + offset + t;
                ids[column] = row.get(t);
                positions[column] = t;
                real[column] = 1;
                // the paper supervises what follows <eot>: the column holding <eot> predicts the first of it
                if (t >= eot && t + 1 < row.size()) {
                    labels[column] = row.get(t + 1);
                }
            }
            tokens += row.size();
        }
        // c thoughts replace one step: slot i stands for step i / c, when the example has that many steps
        int[] stepIndex = new int[batch * maxThoughts];
        for (int b = 0; b < batch; b++) {
            int steps = examples.get(b).steps().size();
            for (int i = 0; i < maxThoughts; i++) {
                int step = i / options.thoughtsPerStep();
                stepIndex[b * maxThoughts + i] = i < thoughts[b] && step < steps ? step : -1;
            }
        }
        return new LatentLayout(ids, positions, real, labels, thoughts, batch, length, firstLatent, maxThoughts, tokens, stepIndex);
    }

    /** Columns {@code [from, to)} of a row-major table as an int32 array {@code [batch, to - from]}. */
    NDArray columns(int[] table, int from, int to, NDManager manager) {
        int width = to - from;
        int[] out = new int[batch * width];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(table, b * length + from, out, b * width, width);
        }
        return manager.create(out, new Shape(batch, width));
    }

    /**
     * For each row and thought i, the column whose final hidden state is fed back into slot i (the column before it), or
     * -1 where the row has no slot i: {@code [batch, maxThoughts]} int32, {@link LatentTrace#LATENT_COLUMNS}.
     */
    NDArray latentColumns(NDManager manager) {
        int[] out = new int[batch * maxThoughts];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < maxThoughts; i++) {
                out[b * maxThoughts + i] = i < thoughts[b] ? firstLatent - 1 + i : -1;
            }
        }
        return manager.create(out, new Shape(batch, maxThoughts));
    }

    /** {@link LatentTrace#STEP_INDEX}: the explicit step each latent slot stands for, {@code [batch, maxThoughts]} int32. */
    NDArray stepIndex(NDManager manager) {
        return manager.create(stepIndex, new Shape(batch, maxThoughts));
    }

    /** Whether each row has a latent slot at thought i, as {@code [batch, 1, 1]} booleans. */
    NDArray hasThought(int i, NDManager manager) {
        boolean[] out = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            out[b] = i < thoughts[b];
        }
        return manager.create(out, new Shape(batch, 1, 1));
    }
}
