package org.latentlab.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.ComponentInfo;
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
        experiments.parts(id).ifPresent(parts -> {
            ShellTable table = new ShellTable();
            table.column("Part");
            table.column("Name");
            table.column("Bundle");
            table.column("Version");
            for (ComponentInfo part : parts) {
                table.addRow().addContent(part.kind().word(), part.name(), part.bundle(), part.version());
            }
            table.print(System.out);
        });
        if (experiments.result(id).isPresent()) {
            ResultTables.printComparison(experiments, List.of(id), System.out);
        }
        return null;
    }
}
