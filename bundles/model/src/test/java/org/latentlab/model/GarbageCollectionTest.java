package org.latentlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.BackboneConfig;
import org.latentlab.api.model.Taps;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between a forward pass and its backward pass must not change the gradients. DJL's
 * {@code NDArray.mul(Number)} wraps the scalar in an array over a direct Java buffer and closes it at once; PyTorch keeps
 * that array for the backward pass of a product, so once the collector frees the buffer the backward pass reads freed
 * memory. The backbone must keep every such operand alive until the step ends.
 */
class GarbageCollectionTest {

    @Test
    void gradientsDoNotDependOnAGarbageCollectionBeforeTheBackwardPass() throws InterruptedException {
        BackboneConfig config = new BackboneConfig(11, 32, 2, 4, 16);
        try (Backbone model = new GptBackboneFactory(Engine.getInstance()).create(config, Device.cpu(), 3)) {
            float[] quiet = gradients(model, false);
            for (int attempt = 0; attempt < 3; attempt++) {
                assertArrayEquals(quiet, gradients(model, true), 1e-6f, "gradients after a garbage collection, attempt " + attempt);
            }
        }
    }

    /** Every parameter's gradient, flattened, after one forward and backward pass over fixed tokens. */
    private static float[] gradients(Backbone model, boolean collectInBetween) throws InterruptedException {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = step.create(new int[] {1, 4, 2, 7, 3, 9, 5, 8, 6, 10, 2, 1}, new Shape(2, 6));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.forward(model.embed(ids), 0, null, Taps.LOGITS).logits().logSoftmax(-1).mean().neg();
                if (collectInBetween) {
                    churn();
                }
                collector.backward(loss);
            }
            List<Float> all = new ArrayList<>();
            for (Map.Entry<String, NDArray> p : model.parameters().entrySet()) {
                for (float g : p.getValue().getGradient().toFloatArray()) {
                    all.add(g);
                }
                p.getValue().getGradient().subi(p.getValue().getGradient());
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    /** Frees unreachable direct buffers and lets their memory be reused by new ones. */
    private static void churn() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        List<java.nio.ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(4);
            b.putFloat(0, Float.NaN);
            reuse.add(b);
        }
        reuse.clear();
    }
}
