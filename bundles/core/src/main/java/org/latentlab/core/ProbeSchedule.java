package org.latentlab.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.latentlab.api.experiment.ComponentSpec;
import org.latentlab.api.probe.Probe;

/** When a probe runs besides after training: its {@link Probe#EVERY} option, which the platform reads and the probe never sees. */
final class ProbeSchedule {

    private ProbeSchedule() {
    }

    /** The probe's options without {@code every}, as the probe receives them. */
    static Map<String, Object> ownOptions(ComponentSpec probe) {
        Map<String, Object> own = new LinkedHashMap<>(probe.options());
        own.remove(Probe.EVERY);
        return own;
    }

    /**
     * Every how many training steps the probe runs: 0 when the spec does not say, -1 when it says something other than a
     * whole number (which the orchestrator refuses).
     */
    static long every(ComponentSpec probe) {
        Object every = probe.options().get(Probe.EVERY);
        if (every == null) {
            return 0;
        }
        if (every instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 1) {
            return n.longValue();
        }
        return -1;
    }
}
