package org.latentlab.shell;

import java.nio.file.Path;
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
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SoakResult;

@Command(scope = "latent", name = "soak", description = "Trains a spec's method for many steps on fresh parameters and samples heap and process memory; a leak shows as growth after the warm-up. Records nothing.")
@Service
public class SoakCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "spec", description = "Spec file (one spec)", required = true)
    @Completion(FileCompleter.class)
    String spec;

    @Option(name = "--steps", description = "Training steps (default 5000)")
    int steps = 5000;

    @Option(name = "--every", description = "Sample memory every this many steps (default 100)")
    int every = 100;

    @Option(name = "--warmup", description = "Steps before the growth is measured (default 1000)")
    int warmup = 1000;

    @Option(name = "--limit", description = "Growth after the warm-up, in percent, above which the command fails (default 5)")
    double limit = 5;

    @Override
    public Object execute() throws Exception {
        List<ExperimentSpec> parsed = SpecFiles.read(experiments, Path.of(this.spec));
        if (parsed.size() != 1) {
            throw new IllegalArgumentException("The file " + this.spec + " holds " + parsed.size() + " specs; soak one spec at a time.");
        }
        if (warmup >= steps) {
            throw new IllegalArgumentException("The warm-up (" + warmup + " steps) must be shorter than the soak (" + steps + " steps).");
        }
        experiments.validate(parsed.get(0));
        System.out.println("soaking " + (parsed.get(0).name() == null ? parsed.get(0).method().name() : parsed.get(0).name()) + " for "
                + steps + " steps ...");
        System.out.flush();
        SoakResult result = experiments.soak(parsed.get(0), steps, every);
        ShellTable table = new ShellTable();
        table.column("Step").alignRight();
        table.column("Heap MiB").alignRight();
        table.column("Resident MiB").alignRight();
        table.column("ms/step").alignRight();
        for (SoakResult.Sample s : result.samples()) {
            table.addRow().addContent(s.step(), mib(s.heapBytes()), mib(s.residentBytes()), String.format(Locale.ROOT, "%.1f", s.stepMillis()));
        }
        table.print(System.out);
        double heap = 100 * result.growth(warmup, SoakResult.Sample::heapBytes);
        double resident = 100 * result.growth(warmup, SoakResult.Sample::residentBytes);
        System.out.println(String.format(Locale.ROOT, "growth after step %d: heap %+.1f%%, resident %+.1f%% (limit %.1f%%)",
                warmup, heap, resident, limit));
        if (!(heap <= limit) || !(resident <= limit)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "Memory grew by more than %.1f%% after the warm-up"
                    + " (heap %+.1f%%, resident %+.1f%%).", limit, heap, resident));
        }
        return null;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
