package org.latentlab.dataset.synthetic;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.latentlab.api.data.DatasetOptions;
import org.latentlab.api.data.Vocabulary;

/**
 * The generator's settings, read from {@code DatasetSpec.options}.
 *
 * @param words          the number W of distinct content words, {@code w000} … {@code w(W-1)}
 * @param questionTokens the number Q of words in a question, all distinct
 * @param steps          the number S of reasoning steps
 * @param stepTokens     the number K of words in each step
 * @param branches       the number B of words each one-word step's distribution spreads over
 * @param promptTokens   the number of words in a held-out (validation or test) question, so that answering can be timed
 *                       on longer prompts than training uses
 */
record SyntheticOptions(int words, int questionTokens, int steps, int stepTokens, int branches, int promptTokens) {

    static final String WORDS = "words";
    static final String QUESTION_TOKENS = "questionTokens";
    static final String STEPS = "steps";
    static final String STEP_TOKENS = "stepTokens";
    static final String BRANCHES = "branches";
    static final String PROMPT_TOKENS = "promptTokens";
    /** Every option name the synthetic adapter knows. */
    static final List<String> ACCEPTED = List.of(WORDS, QUESTION_TOKENS, STEPS, STEP_TOKENS, BRANCHES, PROMPT_TOKENS);

    /** 512 less the reserved tokens: a CoT run (no special tokens) then has a vocabulary of exactly 512. */
    static final int DEFAULT_WORDS = 512 - Vocabulary.RESERVED.size();
    /** Six steps: Coconut's six thoughts at one per step. */
    static final int DEFAULT_STEPS = 6;
    /** One word per step, as CoT2 needs. */
    static final int DEFAULT_STEP_TOKENS = 1;
    /** 96 positions of CoT less its 5 layout tokens and the 6 one-word steps: 96 - 5 - 6 × 1. */
    static final int DEFAULT_QUESTION_TOKENS = 96 - 5 - DEFAULT_STEPS * DEFAULT_STEP_TOKENS;
    static final int DEFAULT_BRANCHES = 1;

    static final int FEWEST_WORDS = 2;
    /** A bound that keeps a mistyped value from building a vocabulary of millions. */
    static final int MOST_WORDS = 100_000;

    SyntheticOptions {
        if (words < FEWEST_WORDS || words > MOST_WORDS) {
            throw new IllegalArgumentException("The synthetic option '" + WORDS + "' is " + words + "; it must be between "
                    + FEWEST_WORDS + " and " + MOST_WORDS + ".");
        }
        atLeastOne(STEPS, steps);
        atLeastOne(STEP_TOKENS, stepTokens);
        atLeastOne(BRANCHES, branches);
        if (branches > 1 && stepTokens > 1) {
            throw new IllegalArgumentException("The synthetic option '" + BRANCHES + "' is " + branches + ", but branches "
                    + "spread a one-word step over several words and '" + STEP_TOKENS + "' is " + stepTokens
                    + "; set " + BRANCHES + " or " + STEP_TOKENS + " to 1.");
        }
        long read = (long) steps * stepTokens * branches;
        for (Map.Entry<String, Integer> length : List.of(Map.entry(QUESTION_TOKENS, questionTokens), Map.entry(PROMPT_TOKENS, promptTokens))) {
            if (length.getValue() < 1 || length.getValue() > words) {
                throw new IllegalArgumentException("The synthetic option '" + length.getKey() + "' is " + length.getValue()
                        + "; it must be between 1 and " + words + ", the number of words, because a question's words are distinct.");
            }
            if (length.getValue() < read) {
                throw new IllegalArgumentException("The synthetic option '" + length.getKey() + "' is " + length.getValue()
                        + ", but each of the " + steps + " steps reads its own " + (long) stepTokens * branches
                        + " question words (stepTokens times branches), so it must be at least " + read + ".");
            }
        }
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("The synthetic option '" + name + "' is " + value + "; it must be at least 1.");
        }
    }

    /** Reads the options of a dataset spec; names other than {@link #ACCEPTED} are refused. */
    static SyntheticOptions from(Map<String, Object> options) {
        DatasetOptions.acceptOnly("synthetic", options, ACCEPTED);
        int questionTokens = DatasetOptions.wholeNumber("synthetic", options, QUESTION_TOKENS, DEFAULT_QUESTION_TOKENS, "words");
        return new SyntheticOptions(
                DatasetOptions.wholeNumber("synthetic", options, WORDS, DEFAULT_WORDS, "words"),
                questionTokens,
                DatasetOptions.wholeNumber("synthetic", options, STEPS, DEFAULT_STEPS, "steps"),
                DatasetOptions.wholeNumber("synthetic", options, STEP_TOKENS, DEFAULT_STEP_TOKENS, "words"),
                DatasetOptions.wholeNumber("synthetic", options, BRANCHES, DEFAULT_BRANCHES, "branches"),
                DatasetOptions.wholeNumber("synthetic", options, PROMPT_TOKENS, questionTokens, "words"));
    }

    /** How many distinct questions there are: W · (W-1) · … · (W-Q+1), or {@link Long#MAX_VALUE} when more. */
    long distinctQuestions() {
        long count = 1;
        for (int i = 0; i < questionTokens; i++) {
            long factor = words - i;
            if (count > Long.MAX_VALUE / factor) {
                return Long.MAX_VALUE;
            }
            count *= factor;
        }
        return count;
    }

    /** Content word i: {@code w} and i, zero-padded to at least three digits, so that every word is one token. */
    String word(int i) {
        int width = Math.max(3, String.valueOf(words - 1).length());
        return "w" + String.format(Locale.ROOT, "%0" + width + "d", i);
    }
}
