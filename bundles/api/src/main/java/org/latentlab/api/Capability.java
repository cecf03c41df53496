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
    LATENT_PREFIX,
    /**
     * Each latent step names the explicit reasoning step of its example that it stands for
     * ({@link org.latentlab.api.method.LatentTrace#STEP_INDEX}), so a loss or probe can set it against that step's text or
     * a teacher's state at the end of it.
     */
    ALIGNED_STEPS,
    /**
     * The method can add a given perturbation to each latent step where it is fed back
     * ({@link org.latentlab.api.method.LatentPerturbation}), so the gradient of a loss with respect to every latent step
     * can be read.
     */
    LATENT_PERTURBATION,
    /**
     * The method searches at test time for each problem's answer, guided by a reward
     * ({@link org.latentlab.api.method.TestTimeSearch}).
     */
    TEST_TIME_SEARCH
}
