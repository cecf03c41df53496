package org.latentlab.dataset.prontoqa;

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

    @Override
    public void checkOptions(DatasetSpec spec) {
        ProntoQaOptions.from(spec.options());
    }

    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        ProntoQaOptions options = ProntoQaOptions.from(spec.options());
        return GeneratedSplits.generate("prontoqa", spec, seed, streamSeed -> new ProntoQaGenerator(options, streamSeed)::next);
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        return ProntoQaFile.read(file);
    }
}
