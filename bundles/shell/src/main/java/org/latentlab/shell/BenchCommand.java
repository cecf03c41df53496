package org.latentlab.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.BenchmarkOptions;
import org.latentlab.api.experiment.BenchmarkResult;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;

@Command(scope = "latent", name = "bench", description = "Times experiment specs on fresh parameters, side by side: the training step split into forward, backward and optimizer, its FLOP rate and utilisation of the measured matrix-multiply rate, answers one at a time and batched, peak memory; records nothing.")
@Service
public class BenchCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "spec", description = "Spec files; the first is the baseline the others are compared with", required = true, multiValued = true)
    @Completion(FileCompleter.class)
    List<String> specs;

    @Option(name = "--steps", description = "Training steps timed per spec (default 20)")
    int steps = 20;

    @Option(name = "--warmup", description = "Training steps run first, untimed (default 3)")
    int warmup = 3;

    @Option(name = "--stage", description = "Curriculum stage to time, from 0 (default: the last)")
    int stage = -1;

    @Option(name = "--examples", description = "Held-out examples answered one at a time for the latency (default 50; 0 skips)")
    int examples = 50;

    @Option(name = "--batch", description = "Held-out examples answered together for the batched rate (default 32; 0 skips)")
    int batch = 32;

    @Option(name = "--json", description = "Also write the figures as JSON to this file name in data/latentlab/bench, to compare builds")
    String json;

    @Override
    public Object execute() throws Exception {
        PrintStream out = System.out;
        BenchmarkOptions options = new BenchmarkOptions(steps, warmup, stage, examples, batch);
        Path jsonFile = json == null ? null : BenchJson.file(json);
        List<ExperimentSpec> parsed = new ArrayList<>();
        for (String file : specs) {
            parsed.addAll(SpecFiles.read(experiments, Path.of(file)));
        }
        for (ExperimentSpec spec : parsed) {
            experiments.validate(spec);
        }
        List<BenchmarkResult> results = new ArrayList<>();
        for (ExperimentSpec spec : parsed) {
            out.println("benchmarking " + (spec.name() == null ? spec.method().name() : spec.name()) + " ...");
            out.flush();
            results.add(experiments.benchmark(spec, options));
        }
        print(results, out);
        if (jsonFile != null) {
            BenchJson.write(results, jsonFile);
            out.println("Wrote " + jsonFile + ".");
        }
        return null;
    }

    static void print(List<BenchmarkResult> results, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("nothing measured");
        table.column("Spec");
        table.column("Stage");
        table.column("Batch").alignRight();
        table.column("ms/step").alignRight();
        table.column("fwd").alignRight();
        table.column("bwd").alignRight();
        table.column("opt").alignRight();
        table.column("positions/step").alignRight();
        table.column("tokens/s").alignRight();
        table.column("µs/position").alignRight();
        table.column("× first").alignRight();
        table.column("GFLOP/s").alignRight();
        table.column("attn GFLOP/s").alignRight();
        table.column("MFU").alignRight();
        table.column("ms/answer").alignRight();
        table.column("× first").alignRight();
        table.column("answers/s").alignRight();
        table.column("Gen. tokens").alignRight();
        table.column("Latent steps").alignRight();
        table.column("Peak RSS").alignRight();
        BenchmarkResult first = results.isEmpty() ? null : results.get(0);
        for (BenchmarkResult r : results) {
            table.addRow().addContent(r.spec(), r.stage(), r.batchSize(),
                    format("%.1f", r.medianStepMillis()),
                    format("%.1f", BenchmarkResult.median(r.forwardMillis())),
                    format("%.1f", BenchmarkResult.median(r.backwardMillis())),
                    format("%.1f", BenchmarkResult.median(r.optimizerMillis())),
                    format("%.0f", r.positionsPerStep()),
                    format("%.0f", r.tokensPerSecond()),
                    format("%.2f", r.microsPerPosition()),
                    format("%.2f", r.microsPerPosition() / first.microsPerPosition()),
                    format("%.1f", r.modelGflops()),
                    format("%.1f", r.attentionFlopsPerStep() / r.medianStepMillis() / 1e6),
                    format("%.0f%%", 100 * r.mfu()),
                    format("%.1f", r.answerMillis()),
                    format("%.2f", r.answerMillis() / first.answerMillis()),
                    format("%.1f", r.batchedAnswersPerSecond()),
                    format("%.1f", r.generatedTokens()),
                    format("%.1f", r.latentSteps()),
                    r.peakResidentBytes() < 0 ? "-" : format("%.0f MiB", r.peakResidentBytes() / 1048576.0));
        }
        table.print(out);
        if (first != null) {
            out.println("median of " + first.stepMillis().size() + " timed steps per spec on " + first.device() + ", " + first.threads()
                    + " intra-op threads; fwd = the method's forward and the losses, bwd = backward, opt = clipping and AdamW (ms).");
            out.println("GFLOP/s counts 6 x parameters x positions per step; attention products are counted apart. MFU is GFLOP/s over "
                    + "the engine's measured fp32 matrix-multiply rate here, " + format("%.1f", first.peakGflops()) + " GFLOP/s.");
            out.println("ms/answer: one example at a time; answers/s: batches of " + first.answerBatch() + "; each answer gets the new "
                    + "tokens its method's training sequence supervises (an untrained model rarely ends by itself). Peak RSS: the "
                    + "whole platform process while the spec ran.");
        }
    }

    private static String format(String pattern, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, pattern, value) : "-";
    }
}
