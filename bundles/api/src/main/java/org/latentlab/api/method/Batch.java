package org.latentlab.api.method;

import java.util.List;

import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;

/**
 * Examples to lay out and run together. Arrays a method creates belong in {@code manager}, which the
 * platform closes after the step.
 */
public record Batch(List<Example> examples, Vocabulary vocabulary, NDManager manager) {
    public Batch {
        examples = List.copyOf(examples);
    }

    public int size() {
        return examples.size();
    }
}
