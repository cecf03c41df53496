package org.latentlab.api.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;
import org.latentlab.api.model.KvCache;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A method whose latent reasoning can be cut after any number of steps, so that a probe can read what the model says
 * then (the Coconut paper's analysis of the latent search: after k thoughts, force the model back into language). A
 * method that implements it declares {@link org.latentlab.api.Capability#LATENT_PREFIX}.
 */
@ConsumerType
public interface LatentPrefix {

    /**
     * Runs one example's prompt and exactly {@code latentSteps} latent steps into {@code cache} (which must be empty),
     * then the input that returns the model to language ({@code <eot>} for Coconut), as the method runs when trained at
     * {@code stage} (whatever number of latent steps that stage gives).
     *
     * @return the final hidden state at the last position, {@code [1, 1, dModel]}: the next token's logits are
     *         {@link Backbone#lmHead(NDArray)} of it
     * @throws IllegalArgumentException when {@code latentSteps} is negative
     */
    NDArray prefix(Backbone model, CurriculumStage stage, Example example, Vocabulary vocabulary, int latentSteps, KvCache cache, NDManager manager);
}
