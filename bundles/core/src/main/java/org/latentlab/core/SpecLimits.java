package org.latentlab.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.latentlab.api.data.DatasetAdapter;
import org.latentlab.api.experiment.EvaluationFile;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;

/**
 * What the orchestrator checks of a spec before anything is allocated or recorded, beyond each field's own range:
 * sizes the machine cannot hold or that cannot work together, a run name that looks like a path, and evaluation files
 * (where they lie, what they are, whether the dataset can read them). Each refusal is one sentence naming the value,
 * the limit and what to do.
 */
final class SpecLimits {

    private SpecLimits() {
    }

    /** The largest number of examples a spec may ask of its dataset, over all splits. */
    static final long MOST_EXAMPLES = 10_000_000;
    /** The deepest backbone, the widest and the longest this platform builds. */
    static final int MOST_LAYERS = 256;
    static final int WIDEST = 65_536;
    static final int LONGEST = 65_536;
    /** A generous bound on a word-level vocabulary, for the size of the embedding and the output layer. */
    static final long VOCABULARY_BOUND = 50_000;
    /** float32 weights, their gradients and AdamW's two moments. */
    static final long BYTES_PER_PARAMETER = 16;
    /** The largest learning rate accepted: above it, training diverges at once. */
    static final double LARGEST_LEARNING_RATE = 1.0;

    /** Sizes that would exhaust the machine or cannot work, refused before anything is allocated. */
    static void check(ExperimentSpec spec) {
        var d = spec.dataset();
        long examples = (long) d.train() + d.validation() + d.test();
        if (examples > MOST_EXAMPLES) {
            throw new SpecException("The dataset asks for " + examples + " examples (train " + d.train() + ", validation "
                    + d.validation() + ", test " + d.test() + "), more than the " + MOST_EXAMPLES
                    + " a run holds in memory; ask for fewer.");
        }
        var t = spec.training();
        if (t.batchSize() > d.train()) {
            throw new SpecException("training.batchSize is " + t.batchSize() + ", larger than the " + d.train()
                    + " training examples of dataset.train; use a batch size of at most " + d.train() + ".");
        }
        var b = spec.backbone();
        atMost("backbone.layers", b.layers(), MOST_LAYERS, "use fewer layers");
        atMost("backbone.dModel", b.dModel(), WIDEST, "use a narrower model");
        atMost("backbone.maxPositions", b.maxPositions(), LONGEST, "use a shorter context");
        atMost("backbone.heads", b.heads(), b.dModel(), "use fewer heads");
        if (spec.evaluation().maxNewTokens() > b.maxPositions()) {
            throw new SpecException("evaluation.maxNewTokens is " + spec.evaluation().maxNewTokens()
                    + ", more than the backbone's maxPositions of " + b.maxPositions()
                    + "; ask for fewer new tokens or raise backbone.maxPositions.");
        }
        long parameters = parameters(b.dModel(), b.layers(), b.maxPositions());
        long needed = parameters * BYTES_PER_PARAMETER;
        long memory = physicalMemory();
        if (needed > memory) {
            throw new SpecException("The backbone (dModel " + b.dModel() + ", " + b.layers() + " layers, maxPositions "
                    + b.maxPositions() + ") has about " + parameters + " parameters, whose weights, gradients and AdamW state need "
                    + gib(needed) + " GiB, more than the " + gib(memory) + " GiB of memory of this machine; use a smaller dModel or fewer layers.");
        }
        sensibleRate("training.learningRate", t.learningRate());
        if (spec.grpo() != null) {
            sensibleRate("grpo.learningRate", spec.grpo().learningRate());
        }
    }

    private static void sensibleRate(String field, double rate) {
        if (Double.isFinite(rate) && rate > LARGEST_LEARNING_RATE) {
            throw new SpecException(field + " is " + rate + ", above the largest sensible rate of " + LARGEST_LEARNING_RATE
                    + "; use a rate such as 0.001.");
        }
    }

    /**
     * About how many parameters a GPT of this size has: per block, attention (4 d²) and a 4-wide MLP (8 d²); token
     * embeddings and the output layer for a vocabulary of at most {@link #VOCABULARY_BOUND} words; position embeddings.
     */
    static long parameters(long dModel, long layers, long maxPositions) {
        return layers * 12 * dModel * dModel + (2 * VOCABULARY_BOUND + maxPositions) * dModel;
    }

    /** The machine's physical memory in bytes, or the JVM's largest heap where the system does not say. */
    static long physicalMemory() {
        try {
            Object total = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new javax.management.ObjectName("java.lang:type=OperatingSystem"), "TotalMemorySize");
            if (total instanceof Long bytes && bytes > 0) {
                return bytes;
            }
        } catch (Exception | LinkageError e) {
            // falls back to the heap below
        }
        return Runtime.getRuntime().maxMemory();
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / (double) (1L << 30));
    }

    private static void atMost(String field, int value, int most, String instead) {
        if (value > most) {
            throw new SpecException(field + " is " + value + ", more than the " + most + " allowed; " + instead + ".");
        }
    }

    /** A run's folder is made from its name, so a name that looks like a path is refused rather than quietly changed. */
    static void checkName(String name) {
        if (name == null) {
            return;
        }
        for (String bad : List.of("/", "\\", "..")) {
            if (name.contains(bad)) {
                throw new SpecException("The spec's name '" + name + "' contains '" + bad
                        + "', which a run name may not; name the run with letters, digits, dashes and underscores.");
            }
        }
        if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
            throw new SpecException("The spec's name is blank or holds control characters; name the run with letters, digits,"
                    + " dashes and underscores.");
        }
    }

    /**
     * Each evaluation file: inside the data roots, a file and not a folder, present unless optional, and readable by
     * the dataset adapter, so that a broken line is named now rather than after training.
     */
    static void checkEvaluationFiles(ExperimentSpec spec, ComponentRef<DatasetAdapter> dataset, DataRoots roots, Path specFolder) {
        for (EvaluationFile f : spec.evaluation().files()) {
            Path file = Path.of(f.path());
            roots.check("The evaluation file '" + f.name() + "'", file, specFolder);
            if (Files.isDirectory(file)) {
                throw new SpecException("The evaluation file '" + f.name() + "' at " + f.path()
                        + " is a folder, not a file; give the path of a file in the " + dataset.name() + " dataset's published format.");
            }
            if (!Files.isRegularFile(file)) {
                if (f.optional()) {
                    continue;
                }
                throw new SpecException("The evaluation file '" + f.name() + "' does not exist at " + f.path()
                        + "; fix its path or mark it \"optional\": true.");
            }
            try {
                dataset.service().read(file);
            } catch (java.io.IOException | RuntimeException e) {
                String message = e.getMessage();
                if (message != null && message.endsWith(".") && !message.contains("\n") && !message.contains(". ")) {
                    throw new SpecException(message, e);
                }
                throw new SpecException("The evaluation file '" + f.name() + "' at " + f.path() + " could not be read by the "
                        + dataset.name() + " dataset (" + (message == null ? "no reason given" : message.replaceAll("\\s+", " ").replace(". ", "; "))
                        + "); fix the file or its path.", e);
            }
        }
    }
}
