package org.latentlab.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;

/** Completes component names (methods, losses, datasets, probes, backbones). */
@Service
public class ComponentNameCompleter implements Completer {

    @Reference
    ExperimentService experiments;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter(experiments.components().stream().map(ComponentInfo::name).distinct().toList());
        return delegate.complete(session, commandLine, candidates);
    }
}
