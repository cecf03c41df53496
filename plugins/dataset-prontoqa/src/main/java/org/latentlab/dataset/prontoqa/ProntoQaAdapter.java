package org.latentlab.dataset.prontoqa;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.latentlab.api.ComponentName;
import org.latentlab.api.data.Dataset;
import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.data.DatasetSpec;
import org.latentlab.api.data.Example;

import org.osgi.service.component.annotations.Component;

/**
 * ProntoQA (Saparov and He, "Language Models Are Greedy Reasoners", 2023), as the Coconut paper uses it:
 * "True or false: Stella is not floral." after a shuffled context of rules about a fictional ontology, answered
 * by a chain of 5 deductions. {@link #load} generates the splits; {@link #read} reads a JSON list of
 * {@code {question, steps, answer}}, the form Coconut's preprocessing writes.
 *
 * <p>Options: {@code hops} (5 by default, 1 to 8) is the number of deductions the answer takes.
 */
@Component(service = DatasetAdapter.class)
@ComponentName("prontoqa")
public final class ProntoQaAdapter implements DatasetAdapter {

    /**
     * Each split has its own random stream, so its problems do not change when another split's size does;
     * a problem whose question is already in a split made before it is skipped: test first, then validation,
     * then train, so no question is in two splits.
     */
    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        ProntoQaOptions options = ProntoQaOptions.from(spec.options());
        Set<String> questions = new HashSet<>();
        List<Example> test = split("test", spec.test(), options, seed, questions);
        List<Example> validation = split("validation", spec.validation(), options, seed, questions);
        List<Example> train = split("train", spec.train(), options, seed, questions);
        return new Dataset(train, validation, test);
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        return ProntoQaFile.read(file);
    }

    private static List<Example> split(String name, int size, ProntoQaOptions options, long seed, Set<String> questions) {
        if (size < 0) {
            throw new IllegalArgumentException("The prontoqa dataset cannot make " + size + " " + name
                    + " examples; give a size of 0 or more.");
        }
        ProntoQaGenerator generator = new ProntoQaGenerator(options, splitSeed(seed, name));
        List<Example> examples = new ArrayList<>(size);
        while (examples.size() < size) {
            Example example = generator.next(name + "-" + examples.size());
            if (questions.add(example.question())) {
                examples.add(example);
            }
        }
        return examples;
    }

    /** The experiment's seed and the split's name, mixed (SplitMix64's finaliser) into one stream seed. */
    static long splitSeed(long seed, String split) {
        long z = seed * 0x9E3779B97F4A7C15L + split.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
