package org.latentlab.loss.outcome;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.method.TokenCrossEntropy;

import org.osgi.service.component.annotations.Component;

/**
 * Outcome-only supervision: the mean cross-entropy of {@code <answer>}, the answer's tokens and the {@code <eos>} after
 * them, the labelled positions from the one labelled {@code <answer>} on. The marker is supervised because it carries the
 * output's form and no reasoning (without it a latent method never learns to leave its thoughts for the answer); whatever
 * precedes it (latent steps, explicit steps a curriculum keeps) is trained only through the answer: the setting in which
 * the gradient reaching early latent steps is said to fade.
 */
@Component(service = SupervisionLoss.class)
@ComponentName("outcome")
public final class AnswerCrossEntropy implements SupervisionLoss {

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.TOKEN_LOGITS);
    }

    @Override
    public NDArray compute(LatentTrace trace, LossContext context) {
        if (trace.logits() == null || trace.labels() == null) {
            throw new IllegalStateException("The outcome loss needs logits and labels, and this method's trace has none.");
        }
        NDArray answer = answerPositions(trace.labels(), context.batch().vocabulary().id(Vocabulary.ANSWER));
        if (answer.sum().getFloat() == 0f) {
            throw new IllegalStateException("The outcome loss found no answer in the batch: no position is labelled <answer>;"
                    + " use it with a method that supervises the answer after an <answer> token.");
        }
        return TokenCrossEntropy.weighted(trace.logits(), trace.labels(), answer);
    }

    /** 1 at the row's position labelled {@code <answer>} and each labelled one after it, 0 elsewhere, {@code [batch, T]} float. */
    static NDArray answerPositions(NDArray labels, int answerToken) {
        NDArray marker = labels.eq(answerToken).toType(DataType.FLOAT32, false);
        NDArray after = marker.cumSum(1).gt(0f);
        return after.logicalAnd(labels.neq(LatentTrace.IGNORE)).toType(DataType.FLOAT32, false);
    }
}
