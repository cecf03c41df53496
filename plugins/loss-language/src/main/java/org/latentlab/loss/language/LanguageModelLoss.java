package org.latentlab.loss.language;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;
import org.latentlab.api.method.TokenCrossEntropy;

import org.osgi.service.component.annotations.Component;

/**
 * The language-model loss: the mean, over every position the method supervises, of the cross-entropy of the next token
 * where the trace has a label (other than IGNORE), and of KL(target || softmax(logits)) where it has a soft target
 * ({@link LatentTrace#SOFT_TARGETS}, as CoT2's continuous supervision gives). A soft target's KL is its cross-entropy
 * less its own entropy, so the two have the same gradient and the loss is 0 when the model matches the target.
 */
@Component(service = SupervisionLoss.class)
@ComponentName("language")
public final class LanguageModelLoss implements SupervisionLoss {

    @Override
    public Set<Capability> requires() {
        return Set.of(Capability.TOKEN_LOGITS);
    }

    @Override
    public NDArray compute(LatentTrace trace, LossContext context) {
        if (trace.logits() == null || trace.labels() == null) {
            throw new IllegalStateException("The language loss needs logits and labels, and this method's trace has none.");
        }
        NDArray soft = trace.extras().get(LatentTrace.SOFT_TARGETS);
        return soft == null ? crossEntropy(trace.logits(), trace.labels()) : withSoftTargets(trace.logits(), trace.labels(), soft);
    }

    /** Σ over labelled positions of −log p(label) plus Σ over soft-target positions of KL(target || p), over their count. */
    static NDArray withSoftTargets(NDArray logits, NDArray labels, NDArray targets) {
        NDArray labelled = labels.neq(LatentTrace.IGNORE).toType(DataType.FLOAT32, false);
        NDArray indices = labels.maximum(0).toType(DataType.INT64, false).expandDims(-1);
        NDArray logProbabilities = logits.logSoftmax(-1);
        NDArray hard = logProbabilities.gather(indices, -1).squeeze(-1).mul(labelled).sum().neg();
        // a position is soft-supervised when its target has mass; 0 · log 0 counts as 0
        NDArray softPositions = targets.sum(new int[] {-1}).gt(0f).toType(DataType.FLOAT32, false);
        NDArray targetLog = targets.maximum(1e-30f).log().mul(targets.gt(0f).toType(DataType.FLOAT32, false));
        NDArray kl = targets.mul(targetLog.sub(logProbabilities)).sum();
        NDArray count = labelled.sum().add(softPositions.sum()).maximum(1f);
        return hard.add(kl).div(count);
    }

    /** −(1/N) Σ log p(label | position) over the N labelled positions; 0 when nothing is labelled. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return TokenCrossEntropy.mean(logits, labels);
    }
}
