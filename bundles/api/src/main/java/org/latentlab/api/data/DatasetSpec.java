package org.latentlab.api.data;

import java.util.Map;

/**
 * What an experiment asks of its dataset adapter.
 *
 * @param name       the adapter's component name, optionally with a version range: {@code "prosqa@[1.0,2.0)"}
 * @param train      number of training examples to generate or read
 * @param validation number of validation examples
 * @param test       number of held-out test examples
 * @param options    adapter-specific settings; an adapter rejects names it does not know
 */
public record DatasetSpec(String name, Integer train, Integer validation, Integer test, Map<String, Object> options) {
    public DatasetSpec {
        train = train == null ? 1000 : train;
        validation = validation == null ? 100 : validation;
        test = test == null ? 200 : test;
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
