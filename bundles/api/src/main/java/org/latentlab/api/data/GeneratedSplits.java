package org.latentlab.api.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Train, validation and test splits drawn from a generator of problems. Each split has its own random stream,
 * seeded from the experiment's seed and the split's name, so its problems do not change when another split's size
 * does. Test is drawn first, then validation, then train, and a problem whose question was already drawn is
 * skipped, so no question is in two splits.
 */
public final class GeneratedSplits {

    /** Problems from one random stream. */
    @FunctionalInterface
    public interface Problems {
        /** The next problem, with the given id. */
        Example next(String id);
    }

    private GeneratedSplits() {
    }

    /**
     * The splits of {@code spec}'s sizes.
     *
     * @param dataset  the dataset's name, for messages
     * @param problems opens a stream of problems from a seed
     */
    public static Dataset generate(String dataset, DatasetSpec spec, long seed, LongFunction<Problems> problems) {
        Set<String> questions = new HashSet<>();
        List<Example> test = split(dataset, "test", spec.test(), seed, problems, questions);
        List<Example> validation = split(dataset, "validation", spec.validation(), seed, problems, questions);
        List<Example> train = split(dataset, "train", spec.train(), seed, problems, questions);
        return new Dataset(train, validation, test);
    }

    private static List<Example> split(String dataset, String name, int size, long seed, LongFunction<Problems> problems,
                                       Set<String> questions) {
        if (size < 0) {
            throw new IllegalArgumentException("The " + dataset + " dataset cannot make " + size + " " + name
                    + " examples; give a size of 0 or more.");
        }
        Problems stream = problems.apply(splitSeed(seed, name));
        List<Example> examples = new ArrayList<>(size);
        while (examples.size() < size) {
            Example example = stream.next(name + "-" + examples.size());
            if (questions.add(example.question())) {
                examples.add(example);
            }
        }
        return examples;
    }

    /** The experiment's seed and the split's name, mixed (SplitMix64's finaliser) into one stream seed. */
    public static long splitSeed(long seed, String split) {
        long z = seed * 0x9E3779B97F4A7C15L + split.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
