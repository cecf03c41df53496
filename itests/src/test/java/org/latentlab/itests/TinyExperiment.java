package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * A tiny ProsQA experiment (one layer, 32 wide, two steps of training, four test questions) as the in-framework tests
 * run it, and the bounded waits they share. The first completed run is kept for the tests that only need one.
 */
final class TinyExperiment {

    /** The first start on a machine extracts PyTorch's natives (about 430 MB) before the orchestrator can start. */
    static final long FIRST_START_MILLIS = 300_000;

    /** A tiny run takes seconds; this bounds it on a loaded machine. */
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    /** How long a service may take to come or go after its bundle started or stopped. */
    static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

    static final String NOCOT_BUNDLE = "org.latentlab.method.nocot";

    private static String completed;

    private TinyExperiment() {
    }

    /** The spec of the brief: 16 training and 4 test examples, batches of 8, one epoch. */
    static String json(String name, String method) {
        return """
                {"name": "%s", "seed": 1,
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
                 "method": {"name": "%s"},
                 "training": {"epochs": 1, "batchSize": 8, "logEvery": 1},
                 "evaluation": {"maxNewTokens": 40}}
                """.formatted(name, method);
    }

    /** Where the run under test records runs: {@code latentlab.runs} from test.bndrun's -runproperties. */
    static Path runsRoot() {
        String root = System.getProperty("latentlab.runs");
        assertNotNull(root, "test.bndrun sets latentlab.runs in -runproperties, so the tests can find the runs");
        return Path.of(root);
    }

    /** Submits the spec and waits, bounded, for it to complete; fails with the run's message and error otherwise. */
    static RunStatus runToEnd(ExperimentService experiments, ExperimentSpec spec) throws InterruptedException {
        String id = experiments.submit(spec);
        RunStatus status;
        try {
            status = experiments.await(id, RUN_TIMEOUT);
        } catch (InterruptedException e) { // the test's own @Timeout: leave no run training behind
            experiments.cancel(id);
            throw e;
        }
        if (!status.state().finished()) {
            experiments.cancel(id);
            fail("run " + id + " did not finish within " + RUN_TIMEOUT + "; it is " + status.state() + ": " + status.message());
        }
        assertEquals(RunState.COMPLETED, status.state(),
                () -> "run " + id + " ended " + status.state() + ": " + status.message() + "\n" + errorOf(id));
        return status;
    }

    /** One completed cot run, made once for all the tests that need a recorded run. */
    static synchronized String completedRun(ExperimentService experiments) throws InterruptedException {
        if (completed == null) {
            completed = runToEnd(experiments, experiments.parse(json("itest", "cot"), runsRoot())).id();
        }
        return completed;
    }

    /** The components once {@code condition} holds, or a failure naming what the registry offered when time ran out. */
    static List<ComponentInfo> componentsWhen(ExperimentService experiments, Predicate<List<ComponentInfo>> condition,
            String what) throws InterruptedException {
        return eventually(experiments::components, condition, what);
    }

    static boolean has(List<ComponentInfo> components, ComponentKind kind, String name) {
        return components.stream().anyMatch(c -> c.kind() == kind && c.name().equals(name));
    }

    /** Polls {@code value} every 50 ms until {@code condition} holds, for at most {@link #REGISTRY_TIMEOUT}. */
    static <T> T eventually(Supplier<T> value, Predicate<T> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + REGISTRY_TIMEOUT.toNanos();
        T last = value.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("waited " + REGISTRY_TIMEOUT.toSeconds() + " s for " + what + "; last seen: " + last);
            }
            Thread.sleep(50);
            last = value.get();
        }
        return last;
    }

    /** The one installed bundle with this symbolic name (the run installs each bundle once, but for the engine). */
    static Bundle bundle(BundleContext context, String symbolicName) {
        List<Bundle> found = List.of(context.getBundles()).stream()
                .filter(b -> symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED).toList();
        assertEquals(1, found.size(), () -> "bundles named " + symbolicName + ": " + found);
        return found.get(0);
    }

    private static String errorOf(String id) {
        try {
            Path error = runsRoot().resolve(id).resolve("error.txt");
            return Files.exists(error) ? Files.readString(error) : "(no error.txt)";
        } catch (IOException e) {
            return "(error.txt unreadable: " + e + ")";
        }
    }
}
