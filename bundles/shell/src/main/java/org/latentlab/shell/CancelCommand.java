package org.latentlab.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.latentlab.api.experiment.ExperimentService;

@Command(scope = "latent", name = "cancel", description = "Cancels a queued or running run; it stops at the next step boundary.")
@Service
public class CancelCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "id", description = "Run id (see latent:runs)", required = true)
    @Completion(RunIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        if (experiments.cancel(id)) {
            System.out.println("cancelling " + id + "; it stops at the next step boundary");
        } else {
            System.out.println("run '" + id + "' is not queued or running; nothing to cancel (see latent:runs)");
        }
        return null;
    }
}
