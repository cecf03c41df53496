package org.latentlab.api.experiment;

import java.util.List;

/**
 * How to evaluate.
 *
 * @param maxNewTokens longest generation
 * @param limit        evaluate at most this many examples per set (0: all)
 * @param files        published evaluation files, besides the held-out test split
 * @param reward       a reward service (and its options) that a test-time search method maximises for each problem
 *                     ({@link org.latentlab.api.method.TestTimeSearch}); null: the method answers as trained
 */
public record EvaluationSpec(Integer maxNewTokens, Integer limit, List<EvaluationFile> files, ComponentSpec reward) {
    public EvaluationSpec {
        maxNewTokens = maxNewTokens == null ? 64 : maxNewTokens;
        limit = limit == null ? 0 : limit;
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** Evaluation without test-time search, as API 1.0 to 1.3 built it. */
    public EvaluationSpec(Integer maxNewTokens, Integer limit, List<EvaluationFile> files) {
        this(maxNewTokens, limit, files, null);
    }
}
