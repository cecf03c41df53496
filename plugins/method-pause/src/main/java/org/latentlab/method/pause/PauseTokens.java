package org.latentlab.method.pause;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Example;
import org.latentlab.api.method.Curriculum;
import org.latentlab.api.method.CurriculumStage;
import org.latentlab.api.method.ExplicitReasoning;
import org.latentlab.api.method.ReasoningMethod;

import org.osgi.service.component.annotations.Component;

/**
 * Pause tokens (Goyal et al., "Think before you speak: Training Language Models With Pause Tokens"), the baseline of
 * the Coconut paper: {@code pauses} learnable {@code <pause>} tokens after the question give the model extra passes
 * before it answers; they carry no feedback and no loss, and no reasoning steps are taught.
 */
@Component(service = ReasoningMethod.class)
@ComponentName("pause")
public final class PauseTokens extends ExplicitReasoning {

    /** The token the model reads in place of thoughts. */
    public static final String PAUSE = "<pause>";

    /** Option: how many pause tokens (the Coconut paper matches its number of thoughts: 6 on ProsQA). */
    public static final String PAUSES = "pauses";

    static final int DEFAULT_PAUSES = 6;

    @Override
    public List<String> specialTokens() {
        return List.of(PAUSE);
    }

    @Override
    public Set<String> options() {
        return Set.of(PAUSES);
    }

    @Override
    public Curriculum curriculum(Map<String, Object> options, int epochs) {
        Curriculum curriculum = super.curriculum(options, epochs);
        pauses(curriculum.last());
        return curriculum;
    }

    @Override
    protected List<String> reasoning(Example example) {
        return List.of();
    }

    @Override
    protected List<String> silentTokens(Example example, CurriculumStage stage) {
        return Collections.nCopies(pauses(stage), PAUSE);
    }

    static int pauses(CurriculumStage stage) {
        Object value = stage.settings().getOrDefault(PAUSES, DEFAULT_PAUSES);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0 || n.intValue() > 64) {
            throw new IllegalArgumentException("The pause method's option 'pauses' must be a whole number from 0 to 64, not " + value + ".");
        }
        return n.intValue();
    }
}
