package org.latentlab.shell;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.SweepPlan;

@Command(scope = "latent", name = "sweep", description = "Expands a sweep file (a spec whose fields may hold lists of values, plus \"seeds\") into"
        + " one run per point of its grid, all sharing a sweep id, and queues them; latent:compare --sweep <id> summarises it.")
@Service
public class SweepCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "sweep", description = "The sweep file: a JSON spec (or array of specs) whose fields may hold lists of values", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--dry-run", aliases = "-n", description = "Print the grid's runs and submit nothing")
    boolean dryRun;

    @Option(name = "--wait", aliases = "-w", description = "Wait until every run has finished, then print the summary")
    boolean await;

    @Override
    public Object execute() throws Exception {
        PrintStream out = System.out;
        Path absolute = Path.of(file).toAbsolutePath();
        String json;
        try {
            json = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw new SpecException("The sweep file " + absolute + " does not exist; give the path of a JSON spec whose fields hold lists of values.");
        }
        SweepPlan plan;
        try {
            plan = experiments.expandSweep(json, absolute.getParent());
        } catch (SpecException e) {
            throw new SpecException(absolute.getFileName() + ": " + e.getMessage(), e);
        }
        if (dryRun) {
            out.println("Sweep '" + plan.name() + "': " + plan.points().size() + (plan.points().size() == 1 ? " run" : " runs")
                    + " (nothing submitted)");
            ResultTables.printSweepPlan(plan, out);
            return null;
        }
        Sweep sweep = experiments.submitSweep(plan);
        out.println("Sweep " + sweep.id() + ": " + sweep.runs().size() + (sweep.runs().size() == 1 ? " run" : " runs") + " queued");
        ResultTables.printSweepRuns(sweep, out);
        if (!await) {
            return null;
        }
        int unfinished = 0;
        for (Sweep.Run run : sweep.runs()) {
            RunStatus s = experiments.await(run.id(), Duration.ofDays(365));   // returns once the run has ended
            if (s.state() != RunState.COMPLETED) {
                unfinished++;
            }
        }
        ResultTables.printSweepSummary(experiments, sweep, out);
        if (unfinished > 0) {
            throw new IllegalStateException(unfinished + " of " + sweep.runs().size() + " runs of sweep " + sweep.id()
                    + " did not complete; see latent:show <id> for each.");
        }
        return null;
    }
}
