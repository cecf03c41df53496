package org.latentlab.api.experiment;

import java.util.List;

/**
 * How to evaluate.
 *
 * @param maxNewTokens longest generation
 * @param limit        evaluate at most this many examples per set (0: all)
 * @param files        published evaluation files, besides the held-out test split
 */
public record EvaluationSpec(Integer maxNewTokens, Integer limit, List<EvaluationFile> files) {
    public EvaluationSpec {
        maxNewTokens = maxNewTokens == null ? 64 : maxNewTokens;
        limit = limit == null ? 0 : limit;
        files = files == null ? List.of() : List.copyOf(files);
    }
}
