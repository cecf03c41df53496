package org.latentlab.dataset.prosqa;

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
 * ProsQA (Hao et al., "Training Large Language Models to Reason in a Continuous Latent Space", 2024):
 * "Is Tom a lempus or scrompus?" over a shuffled list of facts from a random ontology, answered by
 * walking 3 to 6 "is a" edges. {@link #load} generates the splits; {@link #read} reads the published files.
 *
 * <p>Options: {@code minHops} and {@code maxHops} (3 and 6 by default) bound the length of the shortest
 * reasoning path.
 */
@Component(service = DatasetAdapter.class)
@ComponentName("prosqa")
public final class ProsQaAdapter implements DatasetAdapter {

    /**
     * Each split has its own random stream, so its problems do not change when another split's size does;
     * a problem whose question is already in a split made before it is skipped: test first, then validation,
     * then train, so no question is in two splits.
     */
    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        ProsQaOptions options = ProsQaOptions.from(spec.options());
        Set<String> questions = new HashSet<>();
        List<Example> test = split("test", spec.test(), options, seed, questions);
        List<Example> validation = split("validation", spec.validation(), options, seed, questions);
        List<Example> train = split("train", spec.train(), options, seed, questions);
        return new Dataset(train, validation, test);
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        return ProsQaFile.read(file);
    }

    private static List<Example> split(String name, int size, ProsQaOptions options, long seed, Set<String> questions) {
        if (size < 0) {
            throw new IllegalArgumentException("The prosqa dataset cannot make " + size + " " + name
                    + " examples; give a size of 0 or more.");
        }
        ProsQaGenerator generator = new ProsQaGenerator(options, splitSeed(seed, name));
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
