package org.latentlab.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.latentlab.api.ComponentKind;
import org.latentlab.api.experiment.SpecException;
import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;

/** The components the registry currently offers, by kind; looks them up by the names specs use. */
final class ComponentCatalog {

    private final Map<ComponentKind, List<ComponentRef<?>>> byKind = new EnumMap<>(ComponentKind.class);

    ComponentCatalog() {
        for (ComponentKind kind : ComponentKind.values()) {
            byKind.put(kind, new CopyOnWriteArrayList<>());
        }
    }

    void add(ComponentRef<?> ref) {
        byKind.get(ref.kind()).add(ref);
    }

    void remove(ComponentKind kind, Object service) {
        byKind.get(kind).removeIf(r -> r.service() == service);
    }

    List<ComponentRef<?>> all(ComponentKind kind) {
        return List.copyOf(byKind.get(kind));
    }

    /** True while the service is still registered. */
    boolean present(ComponentKind kind, Object service) {
        return byKind.get(kind).stream().anyMatch(r -> r.service() == service);
    }

    /**
     * The provider of {@code spec} ("name" or "name@versionRange"): the highest-ranked, then newest, among those
     * whose name matches and whose bundle version is in the range.
     */
    @SuppressWarnings("unchecked")
    <T> ComponentRef<T> resolve(ComponentKind kind, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new SpecException("The spec names no " + kind.word() + "; give one of: " + names(kind) + ".");
        }
        String name = spec;
        VersionRange range = null;
        int at = spec.indexOf('@');
        if (at >= 0) {
            name = spec.substring(0, at);
            try {
                range = VersionRange.valueOf(spec.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw new SpecException("The " + kind.word() + " '" + spec + "' has an invalid version range; write it like "
                        + name + "@[1.0,2.0).");
            }
        }
        final String wanted = name;
        final VersionRange inRange = range;
        List<ComponentRef<?>> named = byKind.get(kind).stream().filter(r -> r.name().equals(wanted)).toList();
        if (named.isEmpty()) {
            throw new SpecException("Unknown " + kind.word() + " '" + wanted + "'; the registered " + kind.plural() + " are: "
                    + names(kind) + ".");
        }
        Optional<ComponentRef<?>> best = named.stream()
                .filter(r -> inRange == null || inRange.includes(r.version()))
                .max(Comparator.<ComponentRef<?>>comparingInt(ComponentRef::ranking).thenComparing(ComponentRef::version));
        if (best.isEmpty()) {
            throw new SpecException("No " + kind.word() + " '" + wanted + "' in version range " + inRange + "; installed versions: "
                    + named.stream().map(r -> r.version().toString()).collect(Collectors.joining(", ")) + ".");
        }
        return (ComponentRef<T>) best.get();
    }

    /** The names of one kind, sorted, or "(none installed)". */
    String names(ComponentKind kind) {
        TreeSet<String> names = byKind.get(kind).stream().map(ComponentRef::name).collect(Collectors.toCollection(TreeSet::new));
        return names.isEmpty() ? "(none installed)" : String.join(", ", names);
    }

    List<ComponentRef<?>> everything() {
        List<ComponentRef<?>> all = new ArrayList<>();
        byKind.values().forEach(all::addAll);
        return all;
    }

    static Version version(String v) {
        return v == null ? Version.emptyVersion : Version.parseVersion(v);
    }
}
