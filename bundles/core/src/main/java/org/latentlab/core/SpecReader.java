package org.latentlab.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import org.latentlab.api.experiment.EvaluationFile;
import org.latentlab.api.experiment.EvaluationSpec;
import org.latentlab.api.experiment.ExperimentSpec;
import org.latentlab.api.experiment.SpecException;

/**
 * Reads a JSON experiment spec strictly: an unknown field, a wrong type (a string for a number, a number for a
 * name), a number out of range or a duplicate key is an error naming it, and so is an evaluation file outside the
 * {@link DataRoots data roots}.
 */
final class SpecReader {

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    private volatile DataRoots roots = DataRoots.from(null);
    /** The folder each spec read here was read from, for the default data roots when it is validated. */
    private final Map<ExperimentSpec, Path> folders = Collections.synchronizedMap(new WeakHashMap<>());

    /** The data roots that evaluation files must lie in. */
    DataRoots dataRoots() {
        return roots;
    }

    void dataRoots(DataRoots dataRoots) {
        this.roots = dataRoots;
    }

    /** The folder {@code spec} was read from, or null when it was not read here or without one. */
    Path folder(ExperimentSpec spec) {
        return folders.get(spec);
    }

    /** One spec (a JSON object) or a grid of them (a JSON array of objects), each read as {@link #read} reads one. */
    List<ExperimentSpec> readAll(String json, Path baseDirectory) {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
        if (tree == null || !tree.isArray()) {
            return List.of(read(json, baseDirectory));
        }
        if (tree.isEmpty()) {
            throw new SpecException("The spec file holds an empty list; put at least one spec in it.");
        }
        List<ExperimentSpec> specs = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            com.fasterxml.jackson.databind.JsonNode element = tree.get(i);
            String label = "spec " + (i + 1) + (element.hasNonNull("name") ? " ('" + element.get("name").asText() + "')" : "");
            try {
                specs.add(read(element.toString(), baseDirectory));
            } catch (SpecException e) {
                throw new SpecException(label + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    /** Parses the spec and makes its relative file paths absolute against {@code baseDirectory}. */
    ExperimentSpec read(String json, Path baseDirectory) {
        ExperimentSpec spec;
        try {
            spec = mapper.readValue(json, ExperimentSpec.class);
        } catch (InputCoercionException e) {
            throw outOfRange(e);
        } catch (StreamReadException e) {
            throw notJson(e);
        } catch (UnrecognizedPropertyException e) {
            throw new SpecException("The spec has an unknown field '" + path(e) + "'; the fields allowed there are: "
                    + known(e.getKnownPropertyIds()) + ".");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SpecException("The spec's '" + parentPath(e) + "' is not valid: " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            if (e.getPath().isEmpty()) {
                throw new SpecException("The spec must be one JSON object, like {\"name\": ..., \"method\": {\"name\": \"cot\"}, ...}.", e);
            }
            throw new SpecException("The spec's field '" + path(e) + "' must be " + expected(e.getTargetType()) + "; fix its value.", e);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException range) {
                throw outOfRange(range);
            }
            if (e.getCause() instanceof StreamReadException broken) {
                throw notJson(broken);
            }
            throw new SpecException("The spec's field '" + path(e) + "' could not be read: " + e.getOriginalMessage() + ".", e);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
        if (spec == null) {
            throw new SpecException("The spec is empty; write a JSON object with at least a dataset and a method.");
        }
        ExperimentSpec absolute = withAbsolutePaths(spec, baseDirectory);
        for (EvaluationFile f : absolute.evaluation().files()) {
            roots.check("The evaluation file '" + f.name() + "'", Path.of(f.path()), baseDirectory);
        }
        if (baseDirectory != null) {
            folders.put(absolute, baseDirectory);
        }
        return absolute;
    }

    private static ExperimentSpec withAbsolutePaths(ExperimentSpec spec, Path base) {
        List<EvaluationFile> files = new ArrayList<>();
        for (EvaluationFile f : spec.evaluation().files()) {
            if (f.path() == null || f.path().isBlank()) {
                throw new SpecException("The evaluation file '" + f.name() + "' has no path; give its \"path\".");
            }
            Path p;
            try {
                p = Path.of(f.path());
            } catch (java.nio.file.InvalidPathException e) {
                throw new SpecException("The evaluation file '" + f.name() + "' has the path '" + f.path().replaceAll("\\p{Cntrl}", "?")
                        + "', which is not a valid path; fix its \"path\".", e);
            }
            if (!p.isAbsolute() && base != null) {
                p = base.resolve(p);
            }
            files.add(new EvaluationFile(f.name() == null ? p.getFileName().toString() : f.name(), p.normalize().toString(), f.optional()));
        }
        EvaluationSpec e = spec.evaluation();
        return new ExperimentSpec(spec.name(), spec.seed(), spec.device(), spec.dataset(), spec.backbone(), spec.method(),
                spec.losses(), spec.probes(), spec.training(), new EvaluationSpec(e.maxNewTokens(), e.limit(), files, e.reward()), spec.grpo());
    }

    static SpecException notJson(JsonProcessingException e) {
        var where = e.getLocation();
        String what = plain(e.getOriginalMessage().split("\n")[0]).replaceAll("\\.$", "");
        return new SpecException("The spec is not valid JSON" + (where == null ? "" : " (line " + where.getLineNr()
                + ", column " + where.getColumnNr() + ")") + ": " + what + ".", e);
    }

    /** A number too large (or small) for its field: names the field when Jackson knows it, and the range. */
    private static SpecException outOfRange(InputCoercionException e) {
        String field = null;
        try {
            JsonParser parser = e.getProcessor();
            var context = parser == null ? null : parser.getParsingContext();
            StringBuilder path = new StringBuilder();
            for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    path.insert(0, (path.length() == 0 || path.charAt(0) == '[' ? "" : ".")).insert(0, c.getCurrentName());
                } else if (c.inArray()) {
                    path.insert(0, "[" + c.getCurrentIndex() + "]" + (path.length() == 0 || path.charAt(0) == '[' ? "" : "."));
                }
            }
            field = path.length() == 0 ? null : path.toString();
        } catch (RuntimeException ignored) {
            // the message below does without the field's name
        }
        String value = "";
        try {
            JsonParser parser = e.getProcessor();
            value = parser == null ? "" : parser.getText();
        } catch (java.io.IOException | RuntimeException ignored) {
            // the message below does without the value
        }
        var where = e.getLocation();
        return new SpecException("The spec's " + (field == null ? "number" : "field '" + field + "'")
                + (value.isEmpty() ? "" : " holds " + value + ", which") + " is out of range for a whole number (at most "
                + Integer.MAX_VALUE + (where == null ? "" : ", line " + where.getLineNr()) + "); give a smaller value.", e);
    }

    /**
     * Jackson's wording without its internals: no "(for root starting at [Source: ...])" and no feature names to
     * enable, which a spec's author cannot act on.
     */
    static String plain(String message) {
        return message.replaceAll("\\s*\\(for [^()]*\\[Source:.*$", "")
                .replaceAll("\\s*\\[Source:.*$", "")
                .replaceAll(": enable `[^`]*` to allow", ", which JSON does not allow; write a finite number")
                .replaceAll("`[^`]*`", "")
                .trim();
    }

    /** Writes any record as pretty JSON. */
    String write(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write " + value.getClass().getSimpleName() + " as JSON.", e);
        }
    }

    private static String known(Collection<Object> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
    }

    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String parentPath(JsonMappingException e) {
        String p = path(e);
        return p.equals("(top level)") ? "spec" : p;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a JSON object";
        }
        return "a " + type.getSimpleName();
    }
}
