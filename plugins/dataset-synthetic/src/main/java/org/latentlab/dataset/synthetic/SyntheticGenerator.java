package org.latentlab.dataset.synthetic;

import java.util.Random;

import org.latentlab.api.data.Example;

/** Draws synthetic problems: each question Q distinct words, uniform over the ordered choices from the W words. */
final class SyntheticGenerator {

    private final SyntheticOptions options;
    private final Random random;
    /** A permutation of the word indices; a partial Fisher-Yates shuffle of it draws each question. */
    private final int[] pool;

    SyntheticGenerator(SyntheticOptions options, long seed) {
        this.options = options;
        this.random = new Random(seed);
        this.pool = new int[options.words()];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = i;
        }
    }

    /**
     * The next problem of this generator's stream; a held-out one (an id not of the training split, which
     * {@code GeneratedSplits} names {@code train-<n>}) has a question of {@code promptTokens} words.
     */
    Example next(String id) {
        int[] question = new int[id.startsWith("train-") ? options.questionTokens() : options.promptTokens()];
        for (int i = 0; i < question.length; i++) {
            int j = i + random.nextInt(pool.length - i);
            int chosen = pool[j];
            pool[j] = pool[i];
            pool[i] = chosen;
            question[i] = chosen;
        }
        return SyntheticText.example(id, question, options);
    }
}
