package org.latentlab.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.Sweep;

/** Completes sweep ids. */
@Service
public class SweepIdCompleter implements Completer {

    @Reference
    ExperimentService experiments;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter(experiments.sweeps().stream().map(Sweep::id).toList());
        return delegate.complete(session, commandLine, candidates);
    }
}
