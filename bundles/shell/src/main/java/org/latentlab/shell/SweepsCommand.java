package org.latentlab.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.Sweep;

@Command(scope = "latent", name = "sweeps", description = "Lists the recorded sweeps: id, name, axes, and how many of their runs completed, failed or are still to finish.")
@Service
public class SweepsCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("no sweeps yet (latent:sweep <file> makes one)");
        table.column("Sweep");
        table.column("Name");
        table.column("Axes");
        table.column("Runs").alignRight();
        table.column("Completed").alignRight();
        table.column("Not completed").alignRight();
        table.column("To finish").alignRight();
        for (Sweep sweep : experiments.sweeps()) {
            int completed = 0;
            int ended = 0;
            for (Sweep.Run run : sweep.runs()) {
                RunState state = experiments.status(run.id()).map(RunStatus::state).orElse(null);
                if (state == RunState.COMPLETED) {
                    completed++;
                } else if (state == null || state.finished()) {
                    ended++;
                }
            }
            table.addRow().addContent(sweep.id(), sweep.name(), String.join(", ", sweep.axes()), sweep.runs().size(), completed, ended,
                    sweep.runs().size() - completed - ended);
        }
        table.print(System.out);
        return null;
    }
}
