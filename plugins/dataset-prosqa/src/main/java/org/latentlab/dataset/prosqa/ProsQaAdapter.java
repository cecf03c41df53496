package org.latentlab.dataset.prosqa;

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

    @Override
    public void checkOptions(DatasetSpec spec) {
        ProsQaOptions.from(spec.options());
    }

    @Override
    public Dataset load(DatasetSpec spec, long seed) {
        ProsQaOptions options = ProsQaOptions.from(spec.options());
        return GeneratedSplits.generate("prosqa", spec, seed, streamSeed -> new ProsQaGenerator(options, streamSeed)::next);
    }

    @Override
    public List<Example> read(Path file) throws IOException {
        return ProsQaFile.read(file);
    }
}
