package org.latentlab.api;

/** What a method can give to a loss or a probe; a loss or probe that needs more is refused before training. */
public enum Capability {
    /** Next-token logits with labels on the positions the method supervises. */
    TOKEN_LOGITS,
    /** One continuous vector per latent reasoning step. */
    LATENT_STEPS,
    /** The residual stream of every layer. */
    LAYER_STATES,
    /** Log-probabilities of the method's own sampled actions, for policy-gradient training. */
    POLICY_LOGPROB,
    /**
     * The method can stop its latent reasoning after any chosen number of steps and go on in language
     * ({@link org.latentlab.api.method.LatentPrefix}).
     */
    LATENT_PREFIX
}
