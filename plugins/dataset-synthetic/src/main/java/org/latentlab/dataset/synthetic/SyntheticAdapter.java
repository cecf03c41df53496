package org.latentlab.dataset.synthetic;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.GeneratedSplits;

import org.osgi.service.component.annotations.Component;

/**
 * A fixed-shape, deterministic reference workload for the training-speed benchmark ({@code latent:bench}): every
 * example has the same number of words in its question, in each step and in its answer, so every method lays out
 * sequences of one length, and the splits follow from the seed alone. {@link #load} generates the splits; the dataset
 * has no files, so {@link #read} refuses.
 *
 * <p>The rule, which a model can learn (each step is a copy from fixed positions of the question, as one attention
 * head can do): the question is Q distinct words q<sub>0</sub> … q<sub>Q-1</sub> drawn uniformly, in random order,
 * from the W content words {@code w000}, {@code w001}, … ; reasoning step t = 1 … S owns the block of K·B question
 * words that starts at position (t-1)·K·B and writes its first K words, q<sub>(t-1)KB</sub> …
 * q<sub>(t-1)KB+K-1</sub>; the answer is the last word of step S. With the defaults (B = 1, K = 1) step t is
 * q<sub>t-1</sub> and the answer is q<sub>5</sub>: for the question {@code "w017 w342 w005 w260 w111 w498 w031 …"}
 * the steps are {@code "w017", "w342", "w005", "w260", "w111", "w498"} and the answer {@code "w498"}.
 *
 * <p>When K = 1 every example also carries {@link Example#STEP_DISTRIBUTIONS}: for step t, the B words of its block,
 * each with weight 1/B, the written one (the block's first) among them, so CoT2 can follow B paths at once; with
 * B = 1 each step's distribution is its written word with weight 1.
 *
 * <p>Options (whole numbers): {@code words} W (506 by default, 2 to 100000): with the six reserved tokens a CoT run's
 * vocabulary is then exactly 512 (Coconut's three and CoLaR's ten special tokens come on top).
 * {@code questionTokens} Q (85 by default, at most W, at least S·K·B); {@code steps} S (6 by default, one Coconut
 * thought per step); {@code stepTokens} K (1 by default, as CoT2 needs); {@code branches} B (1 by default; above 1
 * only with K = 1); {@code promptTokens} (Q by default, the same bounds): the words of a validation or test question,
 * so that answering can be timed on prompts of another length (ProsQA's questions have about 218 tokens). CoT lays an example out as {@code <bos>} question {@code <sep>} steps {@code <answer>} answer
 * {@code <eos>}, Q + S·K + 5 positions: 96 with the defaults.
 */
@Component(service = DatasetAdapter.class)
@ComponentName("synthetic")
public final class SyntheticAdapter implements DatasetAdapter {

    /** The options, and no more examples than there are distinct questions. */
    @Override
    public void checkOptions(DatasetSpec spec) {
        checked(spec);
    }

    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        SyntheticOptions options = checked(spec);
        return GeneratedSplits.generate("synthetic", spec, seed, streamSeed -> new SyntheticGenerator(options, streamSeed)::next);
    }

    private static SyntheticOptions checked(DatasetSpec spec) {
        SyntheticOptions options = SyntheticOptions.from(spec.options());
        long asked = (long) spec.train() + spec.validation() + spec.test();
        if (spec.train() >= 0 && spec.validation() >= 0 && spec.test() >= 0 && asked > options.distinctQuestions()) {
            throw new IllegalArgumentException("The synthetic dataset has only " + options.distinctQuestions()
                    + " distinct questions of " + options.questionTokens() + " of " + options.words() + " words, not the "
                    + asked + " the spec asks for; ask for fewer examples or more words.");
        }
        return options;
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        throw new IOException("The synthetic dataset is generated only and reads no files, so it cannot read " + file
                + "; remove that evaluation file from the spec.");
    }
}
