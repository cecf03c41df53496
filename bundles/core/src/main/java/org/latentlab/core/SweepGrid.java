package org.latentlab.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.experiment.Sweep;
import org.latentlab.api.experiment.SweepPlan;

/**
 * Expands a sweep file into the specs of its grid. The spec's own types say which lists are swept: a list where the
 * spec expects one value is an axis over its elements; where it expects a list, only a list of lists is; inside a
 * component's options (a map whose values only the component knows) every list is an axis, so a list value is written
 * as a one-element list of it. A top-level {@code seeds} is the seed axis, varying fastest.
 */
final class SweepGrid {

    /** A grid larger than this is surely a mistake (and would flood the queue). */
    static final int MAX_POINTS = 10_000;

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final SpecReader reader;

    SweepGrid(SpecReader reader) {
        this.reader = reader;
    }

    /** One way to fill a (part of a) spec, with the axis values that chose it. */
    private record Variant(JsonNode node, Map<String, JsonNode> values) {
        Variant with(String axis, JsonNode value) {
            Map<String, JsonNode> more = new LinkedHashMap<>();
            more.put(axis, value);
            more.putAll(values);
            return new Variant(node, more);
        }
    }

    SweepPlan expand(String json, Path baseDirectory) {
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw SpecReader.notJson(e);
        }
        if (tree == null || !(tree.isObject() || tree.isArray())) {
            throw new SpecException("The sweep must be one JSON object (a spec whose fields may hold lists of values) or a JSON array of them.");
        }
        List<JsonNode> specs = new ArrayList<>();
        if (tree.isArray()) {
            tree.forEach(specs::add);
            if (specs.isEmpty()) {
                throw new SpecException("The sweep file holds an empty list; put at least one spec in it.");
            }
        } else {
            specs.add(tree);
        }
        Set<String> axes = new LinkedHashSet<>();
        List<Variant> all = new ArrayList<>();
        String name = null;
        for (int i = 0; i < specs.size(); i++) {
            JsonNode spec = specs.get(i);
            String where = specs.size() == 1 ? "" : "spec " + (i + 1) + ": ";
            if (!spec.isObject()) {
                throw new SpecException(where + "each spec of a sweep must be a JSON object.");
            }
            ObjectNode copy = ((ObjectNode) spec).deepCopy();
            JsonNode seeds = copy.remove("seeds");
            if (seeds != null && copy.has("seed")) {
                throw new SpecException(where + "the sweep gives both \"seed\" and \"seeds\"; keep one (\"seeds\": [1, 2, 3] runs every point with each).");
            }
            if (seeds != null && (!seeds.isArray() || seeds.isEmpty() || !allWhole(seeds))) {
                throw new SpecException(where + "the sweep's \"seeds\" must be a non-empty list of whole numbers, like [1, 2, 3].");
            }
            if (seeds != null) {
                copy.set(Sweep.SEED, seeds);
            }
            if (name == null && copy.path("name").isTextual()) {
                name = copy.get("name").asText();
            }
            List<Variant> variants = variants(copy, mapper.constructType(ExperimentSpec.class), "", where);
            for (Variant v : variants) {
                // the seed axis last, so that it varies fastest and a point's seeds sit together
                Map<String, JsonNode> ordered = new LinkedHashMap<>();
                v.values().forEach((k, val) -> { if (!k.equals(Sweep.SEED)) ordered.put(k, val); });
                if (v.values().containsKey(Sweep.SEED)) {
                    ordered.put(Sweep.SEED, v.values().get(Sweep.SEED));
                }
                all.add(new Variant(v.node(), ordered));
                axes.addAll(ordered.keySet());
            }
            if (all.size() > MAX_POINTS) {
                throw new SpecException("The sweep expands to more than " + MAX_POINTS + " runs; sweep fewer values at once.");
            }
        }
        // a seed axis stays last when another spec of the file added axes after it
        if (axes.remove(Sweep.SEED)) {
            axes.add(Sweep.SEED);
        }
        List<SweepPlan.Point> points = new ArrayList<>();
        for (Variant v : all) {
            ObjectNode spec = (ObjectNode) v.node();
            String label = label(v.values());
            if (!label.isEmpty()) {
                String base = spec.path("name").isTextual() ? spec.get("name").asText() : spec.path("method").path("name").asText("run");
                spec.put("name", base + " [" + label + "]");
            }
            ExperimentSpec read;
            try {
                read = reader.read(spec.toString(), baseDirectory);
            } catch (SpecException e) {
                throw new SpecException("The sweep's point " + (label.isEmpty() ? "(its only spec)" : label) + ": " + e.getMessage(), e);
            }
            Map<String, Object> values = new LinkedHashMap<>();
            v.values().forEach((k, val) -> values.put(k, mapper.convertValue(val, Object.class)));
            points.add(new SweepPlan.Point(values, read));
        }
        if (name == null) {
            name = points.get(0).spec().method() == null ? "sweep" : String.valueOf(points.get(0).spec().method().name());
        }
        return new SweepPlan(name, List.copyOf(axes), points);
    }

    /**
     * The ways to fill {@code node}, whose declared type is {@code type} (null where only a component knows it).
     */
    private List<Variant> variants(JsonNode node, JavaType type, String path, String where) {
        boolean listField = type != null && type.isCollectionLikeType();
        if (node.isArray()) {
            if (listField && !allArrays(node)) {
                return product(node, type.getContentType(), path, where);   // the list itself, with any axes inside its elements
            }
            if (node.isEmpty()) {
                throw new SpecException(where + "the sweep's field '" + shown(path) + "' holds an empty list of values; give at least one.");
            }
            List<Variant> out = new ArrayList<>();
            for (JsonNode value : node) {
                List<Variant> inner;
                if (listField) {
                    inner = product(value, type.getContentType(), path, where);   // one whole list per value
                } else if (value.isArray()) {
                    inner = List.of(new Variant(value, Map.of()));   // a list value of an option, taken as it is
                } else {
                    inner = variants(value, type, path, where);   // an object value may hold axes of its own
                }
                for (Variant v : inner) {
                    out.add(node.size() == 1 ? v : v.with(shown(path), value));   // one value sweeps nothing
                }
                if (out.size() > MAX_POINTS) {
                    throw new SpecException("The sweep expands to more than " + MAX_POINTS + " runs; sweep fewer values at once.");
                }
            }
            return out;
        }
        if (node.isObject()) {
            List<Variant> out = List.of(new Variant(JsonNodeFactory.instance.objectNode(), Map.of()));
            Map<String, JavaType> fields = fields(type);
            JavaType content = type != null && type.isMapLikeType() ? type.getContentType() : null;
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                JavaType fieldType = fields.containsKey(field.getKey()) ? fields.get(field.getKey()) : content;
                if (fieldType != null && fieldType.getRawClass() == Object.class) {
                    fieldType = null;
                }
                List<Variant> choices = variants(field.getValue(), fieldType, path.isEmpty() ? field.getKey() : path + "." + field.getKey(), where);
                List<Variant> next = new ArrayList<>();
                for (Variant partial : out) {
                    for (Variant choice : choices) {
                        ObjectNode filled = ((ObjectNode) partial.node()).deepCopy();
                        filled.set(field.getKey(), choice.node());
                        Map<String, JsonNode> values = new LinkedHashMap<>(partial.values());
                        values.putAll(choice.values());
                        next.add(new Variant(filled, values));
                    }
                }
                if (next.size() > MAX_POINTS) {
                    throw new SpecException("The sweep expands to more than " + MAX_POINTS + " runs; sweep fewer values at once.");
                }
                out = next;
            }
            return out;
        }
        return List.of(new Variant(node, Map.of()));
    }

    /** The ways to fill a list whose elements each may hold axes: one choice per element, all combined. */
    private List<Variant> product(JsonNode list, JavaType element, String path, String where) {
        List<Variant> out = List.of(new Variant(JsonNodeFactory.instance.arrayNode(), Map.of()));
        for (int i = 0; i < list.size(); i++) {
            List<Variant> choices = variants(list.get(i), element, path + "[" + i + "]", where);
            List<Variant> next = new ArrayList<>();
            for (Variant partial : out) {
                for (Variant choice : choices) {
                    ArrayNode filled = ((ArrayNode) partial.node()).deepCopy();
                    filled.add(choice.node());
                    Map<String, JsonNode> values = new LinkedHashMap<>(partial.values());
                    values.putAll(choice.values());
                    next.add(new Variant(filled, values));
                }
            }
            out = next;
        }
        return out;
    }

    /** The declared fields of a record type, by JSON name; none for a map, a scalar or an unknown type. */
    private Map<String, JavaType> fields(JavaType type) {
        Map<String, JavaType> out = new LinkedHashMap<>();
        if (type == null || !type.getRawClass().isRecord()) {
            return out;
        }
        for (BeanPropertyDefinition p : mapper.getDeserializationConfig().introspect(type).findProperties()) {
            out.put(p.getName(), p.getPrimaryType());
        }
        return out;
    }

    /** "thoughtsPerStep=2 seed=43": the axes' last path segments where they are unique, else the whole path. */
    static String label(Map<String, ?> values) {
        Map<String, Integer> shortCount = new LinkedHashMap<>();
        values.keySet().forEach(k -> shortCount.merge(last(k), 1, Integer::sum));
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String text = v instanceof JsonNode n ? shown(n) : v instanceof Map<?, ?> m && m.get("name") != null ? String.valueOf(m.get("name"))
                    : String.valueOf(v);
            sb.append(shortCount.get(last(k)) == 1 ? last(k) : k).append('=').append(text);
        });
        return sb.toString();
    }

    /** A value as a label shows it: a text as it is, an object by its name (a component), anything else as JSON. */
    private static String shown(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        return value.isObject() && value.path("name").isTextual() ? value.get("name").asText() : value.toString();
    }

    private static String last(String path) {
        String p = path.replaceAll("\\[\\d+]$", "");
        int dot = p.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static String shown(String path) {
        return path.isEmpty() ? "(top level)" : path;
    }

    private static boolean allArrays(JsonNode node) {
        if (node.isEmpty()) {
            return false;
        }
        for (JsonNode e : node) {
            if (!e.isArray()) {
                return false;
            }
        }
        return true;
    }

    private static boolean allWhole(JsonNode node) {
        for (JsonNode e : node) {
            if (!e.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }
}
