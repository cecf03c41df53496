package org.latentlab.dataset.mnns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;
import org.latentlab.api.data.GeneratedSplits;

/**
 * The {@code multiset} split: every multiset of m digits (the digits sorted, C(m + 8, 8) of them) belongs to one
 * split, so all orderings of one multiset fall on the same side and a model cannot see in training a reordering of
 * a test problem.
 *
 * <ol>
 * <li>The distinct multisets are shuffled with a stream seeded from the experiment's seed.</li>
 * <li>In that order each multiset goes to the split (test, validation, train; those of size 0 take none) whose
 *     number of distinct questions (orderings of its multisets) is smallest relative to its requested size, so
 *     the splits' shares of the 9<sup>m</sup> questions follow the requested sizes. The assignment therefore
 *     depends on all three sizes.</li>
 * <li>Each split draws its examples from its own seeded stream, uniformly over the questions of its multisets
 *     (a multiset weighed by its number of orderings, then a random ordering of it), skipping questions already
 *     drawn.</li>
 * </ol>
 */
final class MultisetSplits {

    private static final String[] SPLITS = {"test", "validation", "train"};

    private MultisetSplits() {
    }

    static Dataset generate(MnnsOptions options, DatasetSpec spec, long seed) {
        int[] sizes = {spec.test(), spec.validation(), spec.train()};
        for (int s = 0; s < SPLITS.length; s++) {
            if (sizes[s] < 0) {
                throw new IllegalArgumentException("The mnns dataset cannot make " + sizes[s] + " " + SPLITS[s]
                        + " examples; give a size of 0 or more.");
            }
        }
        List<int[]> multisets = multisets(options.digits());
        Collections.shuffle(multisets, new Random(GeneratedSplits.splitSeed(seed, "multisets")));

        List<List<int[]>> shares = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long[] capacity = new long[SPLITS.length];
        for (int[] multiset : multisets) {
            int chosen = -1;
            for (int s = 0; s < SPLITS.length; s++) {
                if (sizes[s] > 0 && (chosen < 0 || (double) capacity[s] / sizes[s] < (double) capacity[chosen] / sizes[chosen])) {
                    chosen = s;
                }
            }
            if (chosen < 0) {
                break; // every split is empty
            }
            shares.get(chosen).add(multiset);
            capacity[chosen] += orderings(multiset);
        }

        List<List<Example>> drawn = new ArrayList<>();
        for (int s = 0; s < SPLITS.length; s++) {
            if (capacity[s] < sizes[s]) {
                throw new IllegalArgumentException("The mnns multiset split can give the " + SPLITS[s] + " split only "
                        + capacity[s] + " distinct questions of " + options.digits() + " digits, not " + sizes[s]
                        + "; ask for fewer examples or more digits.");
            }
            drawn.add(draw(SPLITS[s], sizes[s], shares.get(s), GeneratedSplits.splitSeed(seed, SPLITS[s])));
        }
        return new Dataset(drawn.get(2), drawn.get(1), drawn.get(0));
    }

    /** {@code size} distinct examples, uniform over the orderings of {@code share}'s multisets. */
    private static List<Example> draw(String split, int size, List<int[]> share, long streamSeed) {
        List<Example> examples = new ArrayList<>(size);
        if (size == 0) {
            return examples;
        }
        long[] cumulative = new long[share.size()];
        long total = 0;
        for (int i = 0; i < share.size(); i++) {
            total += orderings(share.get(i));
            cumulative[i] = total;
        }
        Random random = new Random(streamSeed);
        Set<String> questions = new HashSet<>();
        while (examples.size() < size) {
            long r = random.nextLong(total);
            int index = Arrays.binarySearch(cumulative, r + 1);
            if (index < 0) {
                index = -index - 1; // the first multiset whose cumulative count exceeds r
            }
            List<Integer> digits = new ArrayList<>();
            for (int d : share.get(index)) {
                digits.add(d);
            }
            Collections.shuffle(digits, random);
            if (questions.add(MnnsText.question(digits))) {
                examples.add(MnnsText.example(split + "-" + examples.size(), digits));
            }
        }
        return examples;
    }

    /** Every multiset of {@code m} digits from 1 to 9, each as its digits in ascending order. */
    static List<int[]> multisets(int m) {
        List<int[]> out = new ArrayList<>();
        fill(new int[m], 0, 1, out);
        return out;
    }

    private static void fill(int[] prefix, int position, int smallest, List<int[]> out) {
        if (position == prefix.length) {
            out.add(prefix.clone());
            return;
        }
        for (int d = smallest; d <= 9; d++) {
            prefix[position] = d;
            fill(prefix, position + 1, d, out);
        }
    }

    /** The distinct orderings of a sorted multiset: m! / Π c<sub>d</sub>!. */
    static long orderings(int[] sorted) {
        long count = 1;
        int run = 0;
        for (int i = 0; i < sorted.length; i++) {
            run = i > 0 && sorted[i] == sorted[i - 1] ? run + 1 : 1;
            count = count * (i + 1) / run; // exact: each partial product is the orderings of the prefix so far
        }
        return count;
    }
}
