package org.latentlab.reward.exact;

import java.util.Map;
import java.util.Set;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.Vocabulary;
import org.latentlab.api.method.Answer;
import org.latentlab.api.reward.Reward;
import org.osgi.service.component.annotations.Component;

/**
 * The outcome reward of exact match: 1 when the answer's tokens are the expected answer's words, else 0. It is the
 * same test evaluation applies, so a policy trained on it is trained on what is measured.
 *
 * <p>Options: {@code perLatent} (true or false, default false). When true, the reward is divided by the answer's
 * number of latent steps when that is above 0, the reinforcement-learning reward of CoLaR (Tan et al., "Think
 * Silently, Think Fast: Dynamic Latent Compression of LLM Reasoning Chains", 2025): accuracy divided by the number
 * of latents, so a right answer reached in fewer latent steps earns more. An answer with no latent steps keeps 1 or 0.
 */
@Component(service = Reward.class)
@ComponentName("exact-answer")
public final class ExactAnswerReward implements Reward {

    /** Option: divide the reward by the answer's latent steps when there are any (default false). */
    public static final String PER_LATENT = "perLatent";

    @Override
    public Set<String> options() {
        return Set.of(PER_LATENT);
    }

    @Override
    public void checkOptions(Map<String, Object> options) {
        perLatent(options);
    }

    @Override
    public double score(Example example, Answer answer, Map<String, Object> options) {
        boolean perLatent = perLatent(options);
        double accuracy = answer.answer().equals(Vocabulary.words(example.answer())) ? 1.0 : 0.0;
        return perLatent && answer.latentSteps() > 0 ? accuracy / answer.latentSteps() : accuracy;
    }

    private static boolean perLatent(Map<String, Object> options) {
        Object value = options.getOrDefault(PER_LATENT, Boolean.FALSE);
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("The exact-answer reward's option '" + PER_LATENT + "' must be true or false, not "
                    + value + ".");
        }
        return b;
    }
}
