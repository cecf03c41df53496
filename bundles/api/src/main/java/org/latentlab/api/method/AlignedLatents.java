package org.latentlab.api.method;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.data.Example;

/**
 * The latent steps of a trace that stand for an explicit reasoning step ({@link LatentTrace#STEP_INDEX} at least 0), in
 * row-major order, each with its batch row, its latent position and the index of its step: what losses and probes that
 * set a latent step against its step's text or a teacher's state read.
 *
 * @param latents   {@code [n, dModel]}, gathered from the trace's latents so gradients flow back to them
 * @param rows      per aligned latent, its row of the batch
 * @param positions per aligned latent, its latent step number within the row (0 for the first)
 * @param steps     per aligned latent, the index in {@code Example.steps()} of the step it stands for
 * @param examples  the batch's examples, by row
 */
public record AlignedLatents(NDArray latents, int[] rows, int[] positions, int[] steps, List<Example> examples) {

    public AlignedLatents {
        examples = List.copyOf(examples);
    }

    /**
     * The aligned latent steps of {@code trace} over {@code examples} (the batch, by row).
     *
     * @throws IllegalArgumentException when the trace has no latents or does not say which step each stands for
     */
    public static AlignedLatents of(LatentTrace trace, List<Example> examples) {
        NDArray index = trace.extras().get(LatentTrace.STEP_INDEX);
        if (trace.latents() == null || index == null) {
            throw new IllegalArgumentException("The method's trace does not say which explicit step each latent step stands for"
                    + " (LatentTrace.STEP_INDEX); use a method that provides ALIGNED_STEPS.");
        }
        long batch = index.getShape().get(0);
        long width = index.getShape().get(1);
        long dModel = trace.latents().getShape().get(2);
        int[] table = index.toType(DataType.INT32, false).toIntArray();
        List<Integer> rows = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < width; i++) {
                int step = table[(int) (b * width + i)];
                if (step >= 0) {
                    rows.add(b);
                    positions.add(i);
                    steps.add(step);
                }
            }
        }
        int n = rows.size();
        long[] flat = new long[n];
        for (int k = 0; k < n; k++) {
            flat[k] = rows.get(k) * width + positions.get(k);
        }
        NDArray all = trace.latents().reshape(batch * width, dModel);
        NDArray gathered = n == 0
                ? all.getManager().zeros(new Shape(0, dModel), all.getDataType())
                : all.gather(all.getManager().create(flat, new Shape(n, 1)).repeat(1, dModel), 0);
        return new AlignedLatents(gathered, toArray(rows), toArray(positions), toArray(steps), examples);
    }

    /** How many latent steps stand for a step. */
    public int size() {
        return rows.length;
    }

    /** The text of the explicit step that aligned latent {@code k} stands for. */
    public String stepText(int k) {
        return examples.get(rows[k]).steps().get(steps[k]);
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
