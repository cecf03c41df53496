package org.latentlab.shell;

import java.util.List;
import java.util.Locale;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunStatus;

@Command(scope = "latent", name = "runs", description = "Lists recorded runs, oldest first, with their state, place in the queue and progress.")
@Service
public class RunsCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("no runs recorded");
        table.column("Id");
        table.column("Name");
        table.column("Method");
        table.column("State");
        table.column("Queue").alignRight();
        table.column("Step").alignRight();
        table.column("Loss").alignRight();
        table.column("Message").maxSize(60);
        List<String> queue = experiments.queue();
        for (RunStatus s : experiments.runs()) {
            int place = queue.indexOf(s.id());
            table.addRow().addContent(s.id(), s.name(), s.method(), s.state().name().toLowerCase(Locale.ROOT),
                    place < 0 ? "" : Integer.toString(place + 1), s.step() + "/" + s.totalSteps(), s.loss() == null ? "" : String.format(Locale.ROOT, "%.4f", s.loss()),
                    s.message() == null ? "" : s.message());
        }
        table.print(System.out);
        return null;
    }
}
