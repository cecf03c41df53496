package org.latentlab.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The platform's parts, each a DS service from its own bundle, as the orchestrator finds them in the registry. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ComponentsTest {

    @InjectService(timeout = TinyExperiment.FIRST_START_MILLIS)
    ExperimentService experiments;

    @InjectBundleContext
    BundleContext context;

    private record Expected(ComponentKind kind, String name, String bundle) {
    }

    private static final List<Expected> PARTS = List.of(
            new Expected(ComponentKind.BACKBONE, "gpt", "org.latentlab.model"),
            new Expected(ComponentKind.DATASET, "prosqa", "org.latentlab.dataset.prosqa"),
            new Expected(ComponentKind.METHOD, "cot", "org.latentlab.method.cot"),
            new Expected(ComponentKind.METHOD, "nocot", "org.latentlab.method.nocot"),
            new Expected(ComponentKind.LOSS, "language", "org.latentlab.loss.language"));

    @Test
    void theOrchestratorIsTheCoreBundlesService() {
        assertEquals("org.latentlab.core", FrameworkUtil.getBundle(experiments.getClass()).getSymbolicName());
    }

    @Test
    void everyPartIsListedWithItsBundleAndVersion() throws Exception {
        List<ComponentInfo> components = TinyExperiment.componentsWhen(experiments,
                list -> PARTS.stream().allMatch(p -> TinyExperiment.has(list, p.kind(), p.name())),
                "backbone gpt, dataset prosqa, methods cot and nocot, loss language");
        for (Expected part : PARTS) {
            List<ComponentInfo> named = components.stream()
                    .filter(c -> c.kind() == part.kind() && c.name().equals(part.name())).toList();
            assertEquals(1, named.size(), () -> part + " is listed once: " + named);
            ComponentInfo info = named.get(0);
            Bundle provider = TinyExperiment.bundle(context, part.bundle());
            assertEquals(part.bundle(), info.bundle(), () -> part.name() + "'s bundle");
            assertEquals(provider.getVersion().toString(), info.version(), () -> part.name() + "'s version");
            assertTrue(info.version().matches("\\d+\\.\\d+\\.\\d+(\\..+)?"), () -> part.name() + "'s version is an OSGi version: " + info.version());
        }
    }

    @Test
    void theLanguageLossFindsWhatItNeedsInBothMethods() throws Exception {
        List<ComponentInfo> components = TinyExperiment.componentsWhen(experiments,
                list -> PARTS.stream().allMatch(p -> TinyExperiment.has(list, p.kind(), p.name())), "all parts");
        ComponentInfo loss = find(components, ComponentKind.LOSS, "language");
        assertTrue(!loss.capabilities().isEmpty(), "the language loss says what it reads");
        for (String method : List.of("cot", "nocot")) {
            assertTrue(find(components, ComponentKind.METHOD, method).capabilities().containsAll(loss.capabilities()),
                    () -> method + " provides " + loss.capabilities());
        }
    }

    private static ComponentInfo find(List<ComponentInfo> components, ComponentKind kind, String name) {
        return components.stream().filter(c -> c.kind() == kind && c.name().equals(name)).findFirst().orElseThrow();
    }
}
