package org.latentlab.shell;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.latentlab.api.experiment.ExperimentService;

@Command(scope = "latent", name = "resume", description = "Queues an interrupted, waiting, failed or cancelled run again; it continues from its last checkpoint.")
@Service
public class ResumeCommand implements Action {

    @Reference
    ExperimentService experiments;

    @Argument(index = 0, name = "id", description = "Run id (see latent:runs)", required = true)
    @Completion(RunIdCompleter.class)
    String id;

    @Override
    public Object execute() {
        experiments.resume(id);
        String message = experiments.status(id).map(s -> s.message()).orElse("queued");
        System.out.println(id + ": " + message);
        return null;
    }
}
