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
 * @param gateLearningRate   the factor on the learning rate of the gates' W_r, W_i and biases (the paper's code trains
 *                           them at 1e-4 against the model's 5e-6: 20)
 * @param lambdaLearningRate the factor on the learning rate of Λ (the paper's code: 1e-3 against 5e-6, 200)
 */
record HrpoOptions(double temperature, double gateInit, double gateLearningRate, double lambdaLearningRate) {

    static final String TEMPERATURE = "temperature";
    static final String GATE_INIT = "gateInit";
    static final String GATE_LEARNING_RATE = "gateLearningRate";
    static final String LAMBDA_LEARNING_RATE = "lambdaLearningRate";

    static final double DEFAULT_TEMPERATURE = 0.5;
    static final double DEFAULT_GATE_INIT = 0.99;
    static final double DEFAULT_GATE_LEARNING_RATE = 20;
    static final double DEFAULT_LAMBDA_LEARNING_RATE = 200;

    static final Set<String> NAMES = Set.of(TEMPERATURE, GATE_INIT, GATE_LEARNING_RATE, LAMBDA_LEARNING_RATE);

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
        return new HrpoOptions(t.doubleValue(), g.doubleValue(), factor(options, GATE_LEARNING_RATE, DEFAULT_GATE_LEARNING_RATE),
                factor(options, LAMBDA_LEARNING_RATE, DEFAULT_LAMBDA_LEARNING_RATE));
    }

    private static double factor(Map<String, Object> options, String name, double fallback) {
        Object value = options.getOrDefault(name, fallback);
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw new IllegalArgumentException("The hrpo method's option '" + name + "' must be a finite number of at least 0, the "
                    + "factor on the learning rate, not " + value + ".");
        }
        return n.doubleValue();
    }

    /** The options as stage settings, every default filled in. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(TEMPERATURE, temperature);
        settings.put(GATE_INIT, gateInit);
        settings.put(GATE_LEARNING_RATE, gateLearningRate);
        settings.put(LAMBDA_LEARNING_RATE, lambdaLearningRate);
        return settings;
    }
}
