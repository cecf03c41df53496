package org.latentlab.api.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The next-token cross-entropy that losses share, averaged over the positions they supervise. */
public final class TokenCrossEntropy {

    private TokenCrossEntropy() {
    }

    /** −(1/N) Σ log p(label) over the N positions whose label is not {@link LatentTrace#IGNORE}; 0 when there are none. */
    public static NDArray mean(NDArray logits, NDArray labels) {
        return weighted(logits, labels, labels.neq(LatentTrace.IGNORE).toType(DataType.FLOAT32, false));
    }

    /**
     * −Σ w · log p(label) / Σ w, with {@code weights} {@code [batch, T]} (float, 0 where no loss applies, so IGNORE labels
     * must carry weight 0); 0 when every weight is 0.
     */
    public static NDArray weighted(NDArray logits, NDArray labels, NDArray weights) {
        NDArray targets = labels.maximum(0).toType(DataType.INT64, false).expandDims(-1);
        NDArray logProbabilities = logits.logSoftmax(-1).gather(targets, -1).squeeze(-1);
        return logProbabilities.mul(weights).sum().neg().div(weights.sum().maximum(1f));
    }
}
