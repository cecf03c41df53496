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

@Command(scope = "latent", name = "compare", description = "Prints finished runs side by side: method, accuracy per evaluation set, generated tokens, latent steps, test-time search budget and reward, latency, training time.")
@Service
public class CompareCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "id", description = "Run ids (see latent:runs)", required = true, multiValued = true)
    @Completion(RunIdCompleter.class)
    List<String> ids;

    @Option(name = "--set", description = "The evaluation set whose accuracy stands beside the probes (default test)")
    String set = "test";

    @Option(name = "--scalar", description = "Probe scalars to show beside accuracy, as probe.scalar with * for any text"
            + " (repeatable; default: information per step, intrinsic dimension, gradient attenuation, drift)", multiValued = true)
    List<String> scalars;

    @Override
    public Object execute() {
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
