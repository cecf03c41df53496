package org.latentlab.loss.language;

import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import org.latentlab.api.Capability;
import org.latentlab.api.ComponentName;
import org.latentlab.api.method.LatentTrace;
import org.latentlab.api.method.LossContext;
import org.latentlab.api.method.SupervisionLoss;

import org.osgi.service.component.annotations.Component;

/** Mean cross-entropy of the next token over every position the method labels (labels other than IGNORE). */
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
        return crossEntropy(trace.logits(), trace.labels());
    }

    /** −(1/N) Σ log p(label | position) over the N labelled positions; 0 when nothing is labelled. */
    static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray labelled = labels.neq(LatentTrace.IGNORE).toType(DataType.FLOAT32, false);
        NDArray targets = labels.maximum(0).toType(DataType.INT64, false).expandDims(-1);
        NDArray logProbabilities = logits.logSoftmax(-1).gather(targets, -1).squeeze(-1);
        NDArray count = labelled.sum().maximum(1f);
        return logProbabilities.mul(labelled).sum().neg().div(count);
    }
}
