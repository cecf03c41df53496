package org.latentlab.method.hrpo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of the HRPO method, checked.
 *
 * @param temperature τ of p = softmax(logits / τ), the distribution whose embedding mixture is the hidden input h̃
 *                    (the paper's code uses its sampling temperature, 0.5)
 * @param gateInit    the smallest decay a at initialisation: Λ starts so that a = gateInit^r with r = σ(W_r ê) in (0, 1),
 *                    its per-dimension base drawn between gateInit and 1 − (1 − gateInit) / 10 (the paper's code draws it
 *                    between r_min = 0.99 and 0.999), so the inputs start as token embeddings
 */
record HrpoOptions(double temperature, double gateInit) {

    static final String TEMPERATURE = "temperature";
    static final String GATE_INIT = "gateInit";

    static final double DEFAULT_TEMPERATURE = 0.5;
    static final double DEFAULT_GATE_INIT = 0.99;

    static final Set<String> NAMES = Set.of(TEMPERATURE, GATE_INIT);

    /** Reads and checks the options (or a stage's settings, which carry them); absent options take their defaults. */
    static HrpoOptions of(Map<String, Object> options) {
        Object temperature = options.getOrDefault(TEMPERATURE, DEFAULT_TEMPERATURE);
        if (!(temperature instanceof Number t) || !Double.isFinite(t.doubleValue()) || !(t.doubleValue() > 0)) {
            throw new IllegalArgumentException("The hrpo method's option '" + TEMPERATURE + "' must be a positive number, not "
                    + temperature + ".");
        }
        Object gateInit = options.getOrDefault(GATE_INIT, DEFAULT_GATE_INIT);
        if (!(gateInit instanceof Number g) || !(g.doubleValue() > 0) || !(g.doubleValue() < 1)) {
            throw new IllegalArgumentException("The hrpo method's option '" + GATE_INIT
                    + "' must be a number between 0 and 1 (exclusive), the initial weight of the token embedding, not " + gateInit + ".");
        }
        return new HrpoOptions(t.doubleValue(), g.doubleValue());
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(TEMPERATURE, temperature);
        settings.put(GATE_INIT, gateInit);
        return settings;
    }
}
