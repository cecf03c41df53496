package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.ComponentInfo;
import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunResult;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The plugin inside a real OSGi framework with the platform (Felix, SCR, Latent Lab's engine, backbone and orchestrator,
 * see test.bndrun): the orchestrator finds it by name, and a tiny ProsQA experiment that uses it trains and is evaluated.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ${className}InFrameworkTest {

    /** The first start on a machine extracts PyTorch's natives (about 430 MB) before the orchestrator is there. */
    @InjectService(timeout = 300_000)
    ExperimentService experiments;

    @InjectBundleContext
    BundleContext context;

    private static final String BUNDLE = "${groupId}.${artifactId}";

    /** One layer 32 wide, 16 training and 4 test questions, two steps: seconds on a CPU. */
    private static String spec(String options) {
        return """
                {"name": "${name}-in-framework", "seed": 1,
#if( $kind == "dataset" )
                 "dataset": {"name": "${name}", "train": 16, "validation": 0, "test": 4, "options": %s},
#else
                 "dataset": {"name": "prosqa", "train": 16, "validation": 0, "test": 4},
#end
                 "backbone": {"dModel": 32, "layers": 1, "heads": 2, "maxPositions": 512},
#if( $kind == "method" )
                 "method": {"name": "${name}", "options": %s},
#else
                 "method": {"name": "cot"},
#end
#if( $kind == "loss" )
                 "losses": [{"name": "${name}", "options": %s}],
#end
#if( $kind == "probe" )
                 "probes": [{"name": "${name}", "options": %s}],
#end
                 "training": {"epochs": 1, "batchSize": 8, "logEvery": 1},
                 "evaluation": {"maxNewTokens": 40}}
                """.formatted(options);
    }

    @Test
    void theOrchestratorListsThePluginWithItsBundleAndVersion() throws InterruptedException {
        ComponentInfo info = registered();
        Bundle bundle = List.of(context.getBundles()).stream().filter(b -> b.getSymbolicName().equals(BUNDLE)).findFirst()
                .orElseThrow(() -> new AssertionError(BUNDLE + " is installed"));
        assertEquals(BUNDLE, info.bundle());
        assertEquals(bundle.getVersion().toString(), info.version());
    }

    @Test
    void aTinyExperimentWithThePluginTrainsAndIsEvaluated() throws InterruptedException {
        registered();
#if( $kind == "method" )
        String id = experiments.submit(experiments.parse(spec("{\"thinkingTokens\": 2}"), Path.of(".")));
#elseif( $kind == "loss" )
        String id = experiments.submit(experiments.parse(spec("{\"smoothing\": 0.1}"), Path.of(".")));
#elseif( $kind == "dataset" )
        String id = experiments.submit(experiments.parse(spec("{\"terms\": 3}"), Path.of(".")));
#else
        String id = experiments.submit(experiments.parse(spec("{\"batchSize\": 2}"), Path.of(".")));
#end
        RunStatus status = experiments.await(id, Duration.ofMinutes(5));
        assertEquals(RunState.COMPLETED, status.state(), () -> "run " + id + " ended " + status.state() + ": " + status.message());
        RunResult result = experiments.result(id).orElseThrow();
        assertEquals(4, result.evaluations().get(0).examples(), "the four test questions were answered");
        assertTrue(Double.isFinite(result.finalLoss()), "the training loss is a number: " + result.finalLoss());
#if( $kind == "method" )
        assertTrue(result.method().startsWith("${name} "), "the run used ${name}: " + result.method());
#elseif( $kind == "probe" )
        Double probability = result.probes().getOrDefault("${name}", java.util.Map.of()).get("meanLabelProbability");
        assertTrue(probability != null && probability > 0 && probability <= 1, "the probe reported a probability: " + result.probes());
        assertTrue(experiments.figures(List.of(id)).stream().anyMatch(f -> f.name().equals("probe-${name}-confidence")),
                "the platform draws the probe's own figure in the run's report");
#end
    }
#if( $kind != "loss" )

    @Test
    void aBadOptionIsRefusedBeforeTrainingWithOneSentence() throws InterruptedException {
        registered();
#if( $kind == "method" )
        String bad = spec("{\"thinkingTokens\": -1}");
#elseif( $kind == "dataset" )
        String bad = spec("{\"terms\": 1}");
#else
        String bad = spec("{\"batchSize\": 0}");
#end
        SpecException e = assertThrows(SpecException.class, () -> experiments.validate(experiments.parse(bad, Path.of("."))));
        assertTrue(e.getMessage().contains("${name}") && e.getMessage().endsWith("."), e.getMessage());
    }
#end

    /** The plugin as the orchestrator lists it, once its service is bound (bounded wait). */
    private ComponentInfo registered() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ComponentInfo> found = experiments.components().stream()
                    .filter(c -> c.kind() == ComponentKind.${kind.toUpperCase()} && c.name().equals("${name}")).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(100);
        }
        fail("the orchestrator does not list the ${kind} '${name}' after 30 s: " + experiments.components());
        return null;
    }
}
