package org.latentlab.api.method;

import java.util.List;

import org.latentlab.api.data.Example;
import org.latentlab.api.model.Backbone;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A method that searches at test time for a better answer to each problem, guided by a reward it is handed: LatentSeek's
 * policy gradient on one problem's latents, best-of-N sampling. The platform calls it in place of
 * {@link ReasoningMethod#solve} when the spec's evaluation names a reward. A search may record gradients of its own
 * arrays (with a gradient collector of its own), but leaves the model's parameters as they were. A method that implements
 * it declares {@link org.latentlab.api.Capability#TEST_TIME_SEARCH}.
 */
@ConsumerType
public interface TestTimeSearch {

    /**
     * What the search settled on for one example.
     *
     * @param answer  the answer it returns
     * @param decodes complete answers it decoded to get there, the first included: its decoding budget
     * @param reward  the reward of {@code answer}
     */
    record Found(Answer answer, int decodes, double reward) {
    }

    /** The reward the search maximises: a finite number, larger is better. */
    @FunctionalInterface
    interface Score {
        double of(Example example, Answer answer);
    }

    /** Searches for each example of the batch, in the batch's order, as trained at {@code stage}. */
    List<Found> search(Backbone model, Batch batch, CurriculumStage stage, Decoding decoding, Score reward);
}
