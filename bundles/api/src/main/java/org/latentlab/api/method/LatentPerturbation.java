package org.latentlab.api.method;

import ai.djl.ndarray.NDArray;

import org.latentlab.api.model.Backbone;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A method whose latent steps can be shifted where they are fed back, so that the gradient of any loss with respect to
 * each latent step, G(t) = ‖∂L/∂L_t‖, can be read as the gradient with respect to the shift (the shift is added to L_t
 * and nothing else, so the two are the same derivative). A method that implements it declares
 * {@link org.latentlab.api.Capability#LATENT_PERTURBATION}.
 */
@ConsumerType
public interface LatentPerturbation {

    /**
     * The training pass of {@link ReasoningMethod#forward(Backbone, Batch, CurriculumStage)} with
     * {@code perturbation[b, i]} added to latent step i of row b before anything reads it: the trace's
     * {@link LatentTrace#latents()} are the shifted steps, and the next step is computed from the shifted one. With a zero
     * perturbation the trace equals the plain forward's.
     *
     * @param perturbation {@code [batch, steps, dModel]}, the shape of the plain forward's latents
     * @throws IllegalArgumentException when the perturbation's shape differs from that of the latents
     */
    LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage, NDArray perturbation);
}
