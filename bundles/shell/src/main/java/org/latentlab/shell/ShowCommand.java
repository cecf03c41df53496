package org.latentlab.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;

@Command(scope = "latent", name = "show", description = "Shows one run: its status and, when finished, its results.")
@Service
public class ShowCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "id", description = "Run id (see latent:runs)", required = true)
    @Completion(RunIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        RunStatus s = experiments.status(id)
                .orElseThrow(() -> new SpecException("There is no run '" + id + "'; list the runs with latent:runs."));
        System.out.println(ResultTables.progressLine(s));
        if (experiments.result(id).isPresent()) {
            ResultTables.printComparison(experiments, List.of(id), System.out);
        }
        return null;
    }
}
