package org.latentlab.api.probe;

import java.util.List;
import java.util.Map;

/** What a probe found: named scalars and tables. */
public record ProbeReport(String probe, Map<String, Double> scalars, List<ProbeTable> tables) {
    public ProbeReport {
        scalars = scalars == null ? Map.of() : Map.copyOf(scalars);
        tables = tables == null ? List.of() : List.copyOf(tables);
    }
}
