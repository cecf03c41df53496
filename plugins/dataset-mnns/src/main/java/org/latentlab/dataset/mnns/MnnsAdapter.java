package org.latentlab.dataset.mnns;

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
 * Minimum Non-Negative Sum, the task of the CoT2 paper (Gozeten et al., "Continuous Chain of Thought Enables
 * Parallel Exploration and Reasoning"): given digits d<sub>1</sub> … d<sub>m</sub> in 1 … 9, choose signs
 * s<sub>i</sub> ∈ {+1, -1}, the first one included, so that Σ s<sub>i</sub> d<sub>i</sub> is the smallest
 * non-negative value. {@link #load} generates the splits; the dataset has no files, so {@link #read} refuses.
 *
 * <p>Text, every number one vocabulary word: question {@code "3 1 4 2"}; steps, one per digit, the partial sum after
 * that digit along the best sign path, {@code "3", "2", "-2", "0"}; answer {@code "0"}, the last partial sum. Of
 * the optimal sign paths the lexicographically first with + before - is written (here + - - +). Extras:
 * {@code digits} (List of Integer), {@code signs} (List of +1 / -1 along that path), {@code answer} (Integer).
 *
 * <p>Options: {@code digits} (4 by default, 2 to 12) is m; {@code split} is {@code random} (by default: each split
 * draws uniform digits, no question in two splits) or {@code multiset} (all orderings of one multiset of digits
 * fall in the same split; see {@link MultisetSplits}).
 */
@Component(service = DatasetAdapter.class)
@ComponentName("mnns")
public final class MnnsAdapter implements DatasetAdapter {

    /** The options, and no more examples than there are distinct questions (random split). */
    @Override
    public void checkOptions(DatasetSpec spec) {
        checked(spec);
    }

    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        MnnsOptions options = checked(spec);
        if (options.split() == MnnsOptions.Split.MULTISET) {
            return MultisetSplits.generate(options, spec, seed);
        }
        return GeneratedSplits.generate("mnns", spec, seed, streamSeed -> new MnnsGenerator(options, streamSeed)::next);
    }

    private static MnnsOptions checked(DatasetSpec spec) {
        MnnsOptions options = MnnsOptions.from(spec.options());
        long asked = (long) spec.train() + spec.validation() + spec.test();
        if (options.split() == MnnsOptions.Split.RANDOM && spec.train() >= 0 && spec.validation() >= 0 && spec.test() >= 0
                && asked > options.distinctQuestions()) {
            throw new IllegalArgumentException("The mnns dataset has only " + options.distinctQuestions()
                    + " distinct questions of " + options.digits() + " digits, not the " + asked
                    + " the spec asks for; ask for fewer examples or more digits.");
        }
        return options;
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        throw new IOException("The mnns dataset is generated only and reads no files, so it cannot read " + file
                + "; remove that evaluation file from the spec.");
    }
}
