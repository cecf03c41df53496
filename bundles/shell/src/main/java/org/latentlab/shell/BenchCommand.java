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

@Command(scope = "latent", name = "bench", description = "Times the training step and the answer latency of experiment specs on fresh parameters, side by side; records nothing.")
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

    @Override
    public Object execute() throws Exception {
        PrintStream out = System.out;
        BenchmarkOptions options = new BenchmarkOptions(steps, warmup, stage, examples);
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
        return null;
    }

    static void print(List<BenchmarkResult> results, PrintStream out) {
        ShellTable table = new ShellTable().emptyTableText("nothing measured");
        table.column("Spec");
        table.column("Stage");
        table.column("Batch").alignRight();
        table.column("ms/step").alignRight();
        table.column("positions/step").alignRight();
        table.column("µs/position").alignRight();
        table.column("× first").alignRight();
        table.column("ms/answer").alignRight();
        table.column("× first").alignRight();
        table.column("Gen. tokens").alignRight();
        table.column("Latent steps").alignRight();
        BenchmarkResult first = results.isEmpty() ? null : results.get(0);
        for (BenchmarkResult r : results) {
            table.addRow().addContent(r.spec(), r.stage(), r.batchSize(),
                    format("%.1f", r.medianStepMillis()),
                    format("%.0f", r.positionsPerStep()),
                    format("%.2f", r.microsPerPosition()),
                    format("%.2f", r.microsPerPosition() / first.microsPerPosition()),
                    format("%.1f", r.answerMillis()),
                    format("%.2f", r.answerMillis() / first.answerMillis()),
                    format("%.1f", r.generatedTokens()),
                    format("%.1f", r.latentSteps()));
        }
        table.print(out);
        if (first != null) {
            out.println("median of " + first.stepMillis().size() + " timed steps per spec on " + first.device() + ", "
                    + first.threads() + " intra-op threads; µs/position is the step's time per sequence position processed.");
        }
    }

    private static String format(String pattern, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, pattern, value) : "-";
    }
}
