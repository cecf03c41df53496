package org.latentlab.api.experiment;

import java.util.Map;

/**
 * A method, loss or probe named in a spec, with its options.
 *
 * @param name    component name, optionally pinned to a version range: {@code "cot@[1.0,2.0)"}
 * @param weight  for a loss, its weight in the sum (1 when absent); ignored elsewhere
 * @param options the component's own settings
 */
public record ComponentSpec(String name, Double weight, Map<String, Object> options) {
    public ComponentSpec {
        weight = weight == null ? 1.0 : weight;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static ComponentSpec named(String name) {
        return new ComponentSpec(name, null, null);
    }
}
