package org.latentlab.api.experiment;

import java.util.List;
import java.util.Map;

/**
 * A finished run's {@code result.json}.
 *
 * @param id              run id
 * @param name            spec name
 * @param method          method name and version
 * @param parameters      trainable scalars in the backbone
 * @param steps           optimizer steps taken
 * @param trainSeconds    wall time of training
 * @param tokensPerSecond mean training throughput
 * @param finalLoss       training loss at the last step
 * @param evaluations     accuracy per evaluation set, held-out test first
 * @param notes           things the user should know (skipped files...)
 * @param probes          probe name to its scalars
 */
public record RunResult(String id, String name, String method, long parameters, long steps, double trainSeconds,
                        double tokensPerSecond, double finalLoss, List<EvaluationResult> evaluations, List<String> notes,
                        Map<String, Map<String, Double>> probes) {
    public RunResult {
        evaluations = List.copyOf(evaluations);
        notes = notes == null ? List.of() : List.copyOf(notes);
        probes = probes == null ? Map.of() : Map.copyOf(probes);
    }
}
