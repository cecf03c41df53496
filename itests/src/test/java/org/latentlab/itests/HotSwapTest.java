package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A plugin comes and goes while the platform runs: its name leaves and returns to the registry, specs naming it are
 * refused and accepted again, and nothing else is restarted or refreshed (a plugin exports nothing).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class HotSwapTest {

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    @InjectBundleContext
    BundleContext context;

    private ExperimentSpec nocot;
    private long orchestratorServiceId;
    private long coreBundleModified;

    @BeforeEach
    void nocotIsThere() throws Exception {
        TinyExperiment.componentsWhen(experiments, list -> TinyExperiment.has(list, ComponentKind.METHOD, "nocot"), "method nocot");
        nocot = experiments.parse(TinyExperiment.json("itest-nocot", "nocot"), TinyExperiment.runsRoot());
        experiments.validate(nocot);
        ServiceReference<ExperimentService> ref = context.getServiceReference(ExperimentService.class);
        orchestratorServiceId = (Long) ref.getProperty(Constants.SERVICE_ID);
        coreBundleModified = ref.getBundle().getLastModified();
    }

    /** Whatever a test did to the plugin, it is installed and active again afterwards. */
    @AfterEach
    void nocotIsBack() throws Exception {
        List<Bundle> installed = List.of(context.getBundles()).stream()
                .filter(b -> TinyExperiment.NOCOT_BUNDLE.equals(b.getSymbolicName())).toList();
        if (installed.isEmpty()) {
            fail("the test lost " + TinyExperiment.NOCOT_BUNDLE);
        }
        for (Bundle b : installed) {
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        }
    }

    @Test
    void stoppingTheNocotBundleWithdrawsTheMethodAndStartingItBringsItBack() throws Exception {
        Bundle plugin = TinyExperiment.bundle(context, TinyExperiment.NOCOT_BUNDLE);
        plugin.stop();
        try {
            assertWithdrawn();
        } finally {
            plugin.start();
        }
        assertBackFrom(plugin);
        assertNothingElseRestarted();
    }

    @Test
    void uninstallingTheNocotBundleWithdrawsTheMethodAndReinstallingItBringsItBackAndCotStillRuns() throws Exception {
        Bundle plugin = TinyExperiment.bundle(context, TinyExperiment.NOCOT_BUNDLE);
        String location = plugin.getLocation();
        byte[] jar;
        try (InputStream in = open(location)) {
            jar = in.readAllBytes();
        }
        plugin.uninstall();
        Bundle again = null;
        try {
            FrameworkWiring wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
            assertFalse(wiring.getRemovalPendingBundles().contains(plugin),
                    "the uninstalled plugin is not waiting for a refresh: nothing is wired to it");
            assertWithdrawn();
        } finally {
            // through the system bundle's context, as a shell or deployer would: osgi-test uninstalls the bundles
            // installed through the injected context when the test ends
            BundleContext framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID).getBundleContext();
            again = framework.installBundle(location, new ByteArrayInputStream(jar));
            again.start();
        }
        assertNotEquals(plugin.getBundleId(), again.getBundleId());
        assertBackFrom(again);
        assertNothingElseRestarted();

        // the platform still trains after the plugin came back
        TinyExperiment.runToEnd(experiments, experiments.parse(TinyExperiment.json("itest-after-swap", "cot"), TinyExperiment.runsRoot()));
    }

    private void assertWithdrawn() throws InterruptedException {
        List<ComponentInfo> components = TinyExperiment.componentsWhen(experiments,
                list -> !TinyExperiment.has(list, ComponentKind.METHOD, "nocot"), "method nocot to leave the registry");
        assertTrue(TinyExperiment.has(components, ComponentKind.METHOD, "cot"), "cot stays");
        SpecException refused = assertThrows(SpecException.class, () -> experiments.validate(nocot));
        assertEquals("Unknown method 'nocot'; the registered methods are: cot.", refused.getMessage());
        assertThrows(SpecException.class, () -> experiments.submit(nocot), "nor is a run started");
    }

    private void assertBackFrom(Bundle plugin) throws InterruptedException {
        List<ComponentInfo> components = TinyExperiment.componentsWhen(experiments,
                list -> TinyExperiment.has(list, ComponentKind.METHOD, "nocot"), "method nocot to return to the registry");
        ComponentInfo info = components.stream().filter(c -> c.kind() == ComponentKind.METHOD && c.name().equals("nocot"))
                .findFirst().orElseThrow();
        assertEquals(TinyExperiment.NOCOT_BUNDLE, info.bundle());
        assertEquals(plugin.getVersion().toString(), info.version());
        assertEquals(1, components.stream().filter(c -> c.name().equals("nocot")).count(), "listed once");
        experiments.validate(nocot);
    }

    /** The orchestrator kept its service (the same registration) and its bundle was not updated or refreshed. */
    private void assertNothingElseRestarted() {
        ServiceReference<ExperimentService> ref = context.getServiceReference(ExperimentService.class);
        assertEquals(orchestratorServiceId, ref.getProperty(Constants.SERVICE_ID), "the orchestrator was not re-registered");
        assertEquals(coreBundleModified, ref.getBundle().getLastModified());
        assertEquals(Bundle.ACTIVE, ref.getBundle().getState());
    }

    private static InputStream open(String location) throws Exception {
        String path = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        return path.contains(":") && !Files.exists(Path.of(path)) ? new URL(path).openStream()
                : Files.newInputStream(Path.of(path));
    }
}
