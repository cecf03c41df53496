package org.latentlab.shell;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;

@Command(scope = "latent", name = "components", description = "Lists every method, loss, dataset, probe and backbone in the registry, with its bundle and version.")
@Service
public class ComponentsCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "filter", description = "Show only this kind (method, loss, dataset, probe, backbone) or this name")
    @Completion(ComponentNameCompleter.class)
    String filter;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("no components registered");
        table.column("Kind");
        table.column("Name");
        table.column("Bundle");
        table.column("Version");
        table.column("Provides / requires");
        for (ComponentInfo c : experiments.components()) {
            if (filter != null && !filter.equals(c.kind().word()) && !filter.equals(c.name())) {
                continue;
            }
            table.addRow().addContent(c.kind().word(), c.name(), c.bundle(), c.version(),
                    c.capabilities().stream().map(Enum::name).sorted().collect(Collectors.joining(" ")));
        }
        table.print(System.out);
        return null;
    }
}
