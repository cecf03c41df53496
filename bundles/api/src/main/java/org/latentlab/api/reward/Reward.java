package org.latentlab.api.reward;

import java.util.Map;
import java.util.Set;

import org.latentlab.api.data.Example;
import org.latentlab.api.method.Answer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reward plugin: scores what a method answered to an example, for the policy-gradient trainers and test-time
 * search. Registered with its {@link org.latentlab.api.ComponentName}; a spec names it.
 */
@ConsumerType
public interface Reward {

    /** Option names this reward understands; a spec naming any other is refused. */
    default Set<String> options() {
        return Set.of();
    }

    /**
     * Checks the values of the spec's options before anything trains, so a bad value is refused when the spec is
     * submitted instead of when the first answer is scored: throws {@link IllegalArgumentException} with one sentence
     * naming the option. Accepts anything by default.
     */
    default void checkOptions(Map<String, Object> options) {
    }

    /** The reward of {@code answer} to {@code example}: a finite number, larger is better. */
    double score(Example example, Answer answer, Map<String, Object> options);
}
