package org.latentlab.loss.space.geometric;

import java.util.List;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.AlignedLatents;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.model.Backbone;

import org.osgi.service.component.annotations.Component;

/**
 * Geometric space supervision: each latent step L_t is pulled onto a fixed point of the token-embedding space, the
 * encoding e_t of the explicit step it stands for, here the mean of that step's token embeddings taken with no gradient
 * (frozen: the loss moves the latent, never the encoding). The loss is the mean over aligned latent steps of
 * ‖L_t − e_t‖² / dModel. This is the rigid compression that is said to collapse the latent manifold.
 */
@Component(service = SupervisionLoss.class)
@ComponentName("space-geometric")
public final class StepEncodingDistance implements SupervisionLoss {

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS);
    }

    @Override
    public NDArray compute(LatentTrace trace, LossContext context) {
        AlignedLatents aligned = AlignedLatents.of(trace, context.batch().examples());
        NDManager manager = context.batch().manager();
        if (aligned.size() == 0) {
            // a curriculum stage without latent steps: nothing to pull
            return manager.zeros(new Shape(), DataType.FLOAT32);
        }
        NDArray encodings = encodings(context.model(), aligned, context.batch().vocabulary(), manager);
        return aligned.latents().sub(encodings).square().mean();
    }

    /** e_t for every aligned latent step: the mean embedding of its step's tokens, detached, {@code [n, dModel]}. */
    static NDArray encodings(Backbone model, AlignedLatents aligned, Vocabulary vocabulary, NDManager manager) {
        int n = aligned.size();
        List<List<Integer>> steps = new java.util.ArrayList<>();
        int longest = 1;
        for (int k = 0; k < n; k++) {
            List<Integer> ids = vocabulary.encode(aligned.stepText(k));
            steps.add(ids);
            longest = Math.max(longest, ids.size());
        }
        int[] ids = new int[n * longest];
        float[] present = new float[n * longest];
        for (int k = 0; k < n; k++) {
            List<Integer> step = steps.get(k);
            for (int j = 0; j < step.size(); j++) {
                ids[k * longest + j] = step.get(j);
                present[k * longest + j] = 1f;
            }
        }
        NDArray mask = manager.create(present, new Shape(n, longest, 1));
        NDArray embedded = model.embed(manager.create(ids, new Shape(n, longest))).stopGradient();
        return embedded.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}).maximum(1f));
    }
}
