package org.latentlab.loss.space.generative;

import java.util.ArrayList;
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
import org.latentlab.api.method.TokenCrossEntropy;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.Taps;

import org.osgi.service.component.annotations.Component;

/**
 * Generative space supervision (as SIM-CoT does): a decoder reconstructs the text S_t of the explicit step that latent
 * step L_t stands for from L_t alone, and the loss is −log D(S_t | L_t) per token. The decoder is the backbone itself,
 * reading L_t as the only input before the step's tokens and writing them and {@code <eos>}, so that the latent must
 * carry what the step says in the form the model's own embeddings take; it adds no parameters, and nothing of it runs at
 * inference. The loss is the mean token cross-entropy over every aligned latent step of the batch.
 */
@Component(service = SupervisionLoss.class)
@ComponentName("space-generative")
public final class StepReconstruction implements SupervisionLoss {

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.LATENT_STEPS, Capability.ALIGNED_STEPS);
    }

    @Override
    public NDArray compute(LatentTrace trace, LossContext context) {
        AlignedLatents aligned = AlignedLatents.of(trace, context.batch().examples());
        NDManager manager = context.batch().manager();
        if (aligned.size() == 0) {
            return manager.zeros(new Shape(), DataType.FLOAT32);
        }
        return reconstruction(context.model(), aligned, context.batch().vocabulary(), manager);
    }

    /** The mean of −log D(token | L_t, the step's tokens before it) over every token of every aligned step and its end. */
    static NDArray reconstruction(Backbone model, AlignedLatents aligned, Vocabulary vocabulary, NDManager manager) {
        int n = aligned.size();
        List<List<Integer>> targets = new ArrayList<>();
        int longest = 0;
        for (int k = 0; k < n; k++) {
            List<Integer> ids = new ArrayList<>(vocabulary.encode(aligned.stepText(k)));
            ids.add(vocabulary.id(Vocabulary.EOS));
            targets.add(ids);
            longest = Math.max(longest, ids.size());
        }
        // column 0 reads L_t and predicts the first token; column j reads token j and predicts token j + 1
        int pad = vocabulary.id(Vocabulary.PAD);
        int[] inputs = new int[n * longest];
        int[] labels = new int[n * longest];
        java.util.Arrays.fill(inputs, pad);
        java.util.Arrays.fill(labels, LatentTrace.IGNORE);
        for (int k = 0; k < n; k++) {
            List<Integer> ids = targets.get(k);
            for (int j = 0; j < ids.size(); j++) {
                labels[k * longest + j] = ids.get(j);
                if (j + 1 < longest && j < ids.size() - 1) {
                    inputs[k * longest + j + 1] = ids.get(j);
                }
            }
        }
        long dModel = aligned.latents().getShape().get(1);
        NDArray tokens = model.embed(manager.create(inputs, new Shape(n, longest)))
                .get(new ai.djl.ndarray.index.NDIndex(":, 1:, :"));
        NDArray sequence = aligned.latents().reshape(n, 1, dModel).concat(tokens, 1);
        // right padding never changes the real columns of a causal pass
        NDArray logits = model.forward(sequence, 0, null, Taps.LOGITS).logits();
        return TokenCrossEntropy.mean(logits, manager.create(labels, new Shape(n, longest)));
    }
}
