package org.latentlab.shell;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;

@Command(scope = "latent", name = "run", description = "Runs experiment specs (JSON files): trains, evaluates and records each, then prints the results side by side.")
@Service
public class RunCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "spec", description = "Spec files, each holding one spec or a JSON array of them; all run one after another", required = true, multiValued = true)
    @Completion(FileCompleter.class)
    List<String> specs;

    @Option(name = "--background", aliases = "-b", description = "Queue the runs, print their ids and return at once")
    boolean background;

    @Option(name = "--quiet", aliases = "-q", description = "No live progress line")
    boolean quiet;

    @Override
    public Object execute() throws Exception {
        PrintStream out = System.out;
        List<ExperimentSpec> parsed = new ArrayList<>();
        for (String file : specs) {
            parsed.addAll(SpecFiles.read(experiments, Path.of(file)));
        }
        for (ExperimentSpec spec : parsed) {
            experiments.validate(spec);
        }
        List<String> ids = new ArrayList<>();
        for (ExperimentSpec spec : parsed) {
            ids.add(experiments.submit(spec));
        }
        if (background) {
            ids.forEach(out::println);
            return null;
        }
        List<String> unfinished = new ArrayList<>();
        for (String id : ids) {
            if (follow(id, out) != RunState.COMPLETED) {
                unfinished.add(id);
            }
        }
        ResultTables.printComparison(experiments, ids, out);
        ResultTables.printProbeComparison(experiments, ids, "test", ResultTables.DEFAULT_SCALARS, out);
        if (!unfinished.isEmpty()) {
            throw new IllegalStateException(unfinished.size() + " of " + ids.size() + " runs did not complete (" + String.join(", ", unfinished)
                    + "); see latent:show <id> and the run's error.txt.");
        }
        return null;
    }

    /** Prints a live progress line until the run finishes; returns how it ended. */
    private RunState follow(String id, PrintStream out) throws InterruptedException {
        String last = "";
        while (true) {
            RunStatus s = experiments.await(id, Duration.ofSeconds(1));
            if (!quiet) {
                String line = ResultTables.progressLine(s);
                if (!line.equals(last)) {
                    out.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
                    out.flush();
                    last = line;
                }
            }
            if (s.state().finished() || s.state() == RunState.INTERRUPTED) {
                if (!quiet) {
                    out.println();
                }
                if (s.state() != RunState.COMPLETED) {
                    out.println(id + " " + s.state().name().toLowerCase() + ": " + s.message());
                }
                return s.state();
            }
        }
    }
}
