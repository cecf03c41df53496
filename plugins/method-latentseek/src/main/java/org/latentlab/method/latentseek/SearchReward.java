package org.latentlab.method.latentseek;

import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;
import org.latentlab.api.method.TestTimeSearch.Score;

/** The reward a search maximises, read for one answer and refused when it is not a finite number. */
final class SearchReward {

    private SearchReward() {
    }

    /**
     * @throws IllegalStateException when the reward is NaN or infinite
     */
    static double of(Score reward, Example example, Answer answer) {
        double r = reward.of(example, answer);
        if (!Double.isFinite(r)) {
            throw new IllegalStateException("The reward of example '" + example.id() + "' is " + r
                    + ", not a finite number; a test-time search needs a finite reward.");
        }
        return r;
    }
}
