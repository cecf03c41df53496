package org.latentlab.dataset.multiplication;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.GeneratedSplits;

import org.osgi.service.component.annotations.Component;

/**
 * Multi-digit multiplication, the arithmetic task of the implicit chain-of-thought papers (Deng et al., "Implicit
 * Chain of Thought Reasoning via Knowledge Distillation", 2023, and "From Explicit CoT to Implicit CoT: Learning to
 * Internalize CoT Step by Step", 2024): multiply two n-digit numbers, writing the shifted partial product of each
 * digit of the multiplier and the running sum as the chain of thought. {@link #load} generates the splits;
 * {@link #read} reads the published files ({@code 4x4_valid.txt}, {@code 5x5_valid.txt}; see
 * {@link MultiplicationFile}).
 *
 * <p>Text, digits least significant first and one vocabulary word each (see {@link MultiplicationText}): for
 * 2365 × 4347, question {@code "5 6 3 2 * 7 4 3 4"}; steps, one per digit of the multiplier,
 * {@code "5 5 5 6 1"}, {@code "+ 0 0 6 4 9 0 ( 5 5 1 1 1 1 )"}, {@code "+ 0 0 5 9 0 7 0 ( 5 5 6 0 2 8 0 )"},
 * {@code "+ 0 0 0 0 6 4 9 0"}; answer {@code "5 5 6 0 8 2 0 1"}, the product in 2n digits. Extras:
 * {@code multiplicand}, {@code multiplier} and {@code product}, each a String in ordinary notation.
 *
 * <p>Options: {@code digits} (4 by default, 1 to 9) is n; each operand is uniform over the n-digit numbers, its
 * leading digit never 0, as in the published files. {@code exclude} (none by default) is the path of a file in the
 * published format, or a list of such paths, relative to the working directory as evaluation files are: no
 * generated problem, in any split, has the same two operands as a problem of those files. A study that trains on
 * generated data and evaluates on a published file names that file here, so that no evaluation problem is seen in
 * training; exclusion is by this explicit option, never by looking for files, so a run's data depends on its spec
 * alone. A path that is not a file is refused.
 */
@Component(service = DatasetAdapter.class)
@ComponentName("multiplication")
public final class MultiplicationAdapter implements DatasetAdapter {

    /**
     * The options, the excluded files (read now, so that a broken line is named before training), and no more
     * examples than there are distinct problems of that many digits outside them.
     */
    @Override
    public void checkOptions(DatasetSpec spec) {
        MultiplicationOptions options = MultiplicationOptions.from(spec.options());
        Set<String> excluded;
        try {
            excluded = excluded(options);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        checkSizes(spec, options, excluded.size());
    }

    /** The files of {@code exclude}, not yet checked to exist, so that the platform can check where they lie first. */
    @Override
    public Map<String, List<Path>> files(DatasetSpec spec) {
        List<Path> files = MultiplicationOptions.paths(spec.options().get(MultiplicationOptions.EXCLUDE));
        return files.isEmpty() ? Map.of() : Map.of(MultiplicationOptions.EXCLUDE, files);
    }

    @Override
    public Dataset load(DatasetSpec spec, long seed) throws IOException {
        MultiplicationOptions options = MultiplicationOptions.from(spec.options());
        Set<String> excluded = excluded(options);
        checkSizes(spec, options, excluded.size());
        return GeneratedSplits.generate("multiplication", spec, seed,
                streamSeed -> new MultiplicationGenerator(options, excluded, streamSeed)::next);
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        return MultiplicationFile.read(file);
    }

    /** The questions of the excluded files that have n digits in each operand; other sizes are never drawn anyway. */
    private static Set<String> excluded(MultiplicationOptions options) throws IOException {
        Set<String> questions = new HashSet<>();
        for (Path file : options.exclude()) {
            for (Example example : MultiplicationFile.read(file)) {
                String multiplicand = (String) example.extras().get(MultiplicationText.MULTIPLICAND);
                String multiplier = (String) example.extras().get(MultiplicationText.MULTIPLIER);
                if (multiplicand.length() == options.digits() && multiplier.length() == options.digits()) {
                    questions.add(example.question());
                }
            }
        }
        return questions;
    }

    private static void checkSizes(DatasetSpec spec, MultiplicationOptions options, int excluded) {
        long asked = (long) spec.train() + spec.validation() + spec.test();
        long distinct = options.distinctProblems() - excluded;
        if (spec.train() >= 0 && spec.validation() >= 0 && spec.test() >= 0 && asked > distinct) {
            throw new IllegalArgumentException("The multiplication dataset has only " + distinct + " distinct problems of "
                    + options.digits() + " by " + options.digits() + " digits" + (excluded > 0 ? " outside the excluded files" : "")
                    + ", not the " + asked + " the spec asks for; ask for fewer examples or more digits.");
        }
    }
}
