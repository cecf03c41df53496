package org.latentlab.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.Sweep;

@Command(scope = "latent", name = "compare", description = "Prints finished runs side by side: method, accuracy per evaluation set, generated tokens, latent steps, test-time search budget and reward, latency, training time;"
        + " with --sweep, a sweep's points with the mean and spread of each over its seeds.")
@Service
public class CompareCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "id", description = "Run ids (see latent:runs)", multiValued = true)
    @Completion(RunIdCompleter.class)
    List<String> ids;

    @Option(name = "--set", description = "The evaluation set whose accuracy stands beside the probes (default test)")
    String set = "test";

    @Option(name = "--scalar", description = "Probe scalars to show beside accuracy, as probe.scalar with * for any text"
            + " (repeatable; default: information per step, intrinsic dimension, gradient attenuation, drift)", multiValued = true)
    List<String> scalars;

    @Option(name = "--sweep", description = "A sweep id (printed by latent:sweep): one row per point and evaluation set, with the mean,"
            + " standard deviation, minimum and maximum over the point's seeds")
    @Completion(SweepIdCompleter.class)
    String sweep;

    @Override
    public Object execute() {
        if (sweep != null) {
            if (ids != null && !ids.isEmpty()) {
                throw new SpecException("Give run ids or --sweep, not both.");
            }
            Sweep recorded = experiments.sweep(sweep).orElseThrow(() -> new SpecException("There is no sweep '" + sweep
                    + "'; list the sweeps with latent:sweeps."));
            ResultTables.printSweepSummary(experiments, recorded, System.out);
            return null;
        }
        if (ids == null || ids.isEmpty()) {
            throw new SpecException("Give the run ids to compare (see latent:runs), or --sweep <id>.");
        }
        for (String id : ids) {
            if (experiments.status(id).isEmpty()) {
                throw new SpecException("There is no run '" + id + "'; list the runs with latent:runs.");
            }
        }
        ResultTables.printComparison(experiments, ids, System.out);
        ResultTables.printProbeComparison(experiments, ids, set, scalars == null || scalars.isEmpty() ? ResultTables.DEFAULT_SCALARS : scalars,
                System.out);
        return null;
    }
}
