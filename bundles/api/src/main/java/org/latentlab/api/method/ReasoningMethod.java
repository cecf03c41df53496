package org.latentlab.api.method;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.Capability;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.model.Backbone;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reasoning method plugin: decides how a problem is laid out (which positions are tokens, which are
 * latent), what is fed back, how many passes run, and how it answers at inference.
 */
@ConsumerType
public interface ReasoningMethod {

    /** What this method's traces carry, so losses and probes that need more are refused before training. */
    Set<Capability> provides();

    /** Tokens the method adds to the vocabulary, such as {@code <bot>}. */
    default List<String> specialTokens() {
        return List.of();
    }

    /** Option names this method understands; a spec naming any other is refused. */
    default Set<String> options() {
        return Set.of();
    }

    /**
     * Called once on a freshly built backbone before training starts, for instance to initialise the embeddings of
     * {@link #specialTokens()} from an existing token's ({@link Backbone#copyEmbedding(int, int)}). Does nothing by
     * default.
     */
    default void initialise(Backbone model, Vocabulary vocabulary, Map<String, Object> options) {
    }

    /**
     * Factors on the learning rate, by parameter name ({@link Backbone#parameters()}), for parameters this method trains
     * faster or slower than the rest, as HRPO trains its gates; a parameter not named keeps factor 1. None by default.
     */
    default Map<String, Double> learningRateScales(Map<String, Object> options) {
        return Map.of();
    }

    /** The stages to train through for the given options and total number of epochs. */
    Curriculum curriculum(Map<String, Object> options, int epochs);

    /** A training pass over a batch at a curriculum stage; the trace feeds the losses. */
    LatentTrace forward(Backbone model, Batch batch, CurriculumStage stage);

    /** Answers every example of the batch, greedily, as trained at {@code stage}. */
    List<Answer> solve(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding);
}
