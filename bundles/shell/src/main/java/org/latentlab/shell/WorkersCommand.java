package org.latentlab.shell;

import java.time.Duration;
import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.WorkerStatus;

@Command(scope = "latent", name = "workers", description = "Lists the hosts that train runs from this platform's run store: each worker's host, device,"
        + " the run it trains now and its last heartbeat (with a shared store, every worker that registered).")
@Service
public class WorkersCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable().emptyTableText("no workers");
        table.column("Worker");
        table.column("Host");
        table.column("Device");
        table.column("Run");
        table.column("Last heartbeat");
        table.column("State");
        Instant now = Instant.now();
        for (WorkerStatus w : experiments.workers()) {
            long ago = Math.max(0, Duration.between(Instant.parse(w.heartbeat()), now).toSeconds());
            table.addRow().addContent(w.id(), w.host(), w.device(), w.run() == null ? "-" : w.run(),
                    w.heartbeat() + " (" + ResultTables.duration(ago) + " ago)", w.alive() ? "alive" : "silent");
        }
        table.print(System.out);
        return null;
    }
}
