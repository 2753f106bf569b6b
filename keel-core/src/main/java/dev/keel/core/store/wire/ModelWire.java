package dev.keel.core.store.wire;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.VersionDraft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Registered models, versions and alias moves as JSON, the shapes of {@code /api/v1/models}: a
 * model is {@code {name, project, owner, description, tags, created, updated}}, a version
 * {@code {model, version, ref, files: [{path, hash, size}], lineage: {run, datasets, commit,
 * config, metrics}, signature, tags, description, created_by, created, size}}, a move
 * {@code {model, alias, version, from, moved_by, moved_at}} (times in epoch ms; non-finite metrics
 * as the strings "NaN", "Infinity", "-Infinity").
 */
public final class ModelWire {
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private ModelWire() {}

    public static Map<String, Object> toMap(RegisteredModel m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        out.put("project", m.project());
        out.put("owner", m.owner());
        out.put("description", m.description());
        out.put("tags", new TreeMap<>(m.tags()));
        out.put("created", m.createdAt());
        out.put("updated", m.updatedAt());
        return out;
    }

    public static Map<String, Object> toMap(ModelVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", v.model());
        out.put("version", v.version());
        out.put("ref", v.ref());
        out.put("files", files(v.files()));
        out.put("lineage", lineage(v.lineage()));
        out.put("signature", v.signature());
        out.put("tags", new TreeMap<>(v.tags()));
        out.put("description", v.description());
        out.put("created_by", v.createdBy());
        out.put("created", v.createdAt());
        out.put("size", v.size());
        return out;
    }

    public static Map<String, Object> toMap(AliasMove m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", m.model());
        out.put("alias", m.alias());
        out.put("version", m.version());
        out.put("from", m.from());
        out.put("moved_by", m.movedBy());
        out.put("moved_at", m.movedAt());
        return out;
    }

    /** A draft as the remote store sends it to register a version (the server checks it against the run). */
    public static Map<String, Object> toMap(String project, VersionDraft d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", d.lineage().runId());
        out.put("project", project);
        out.put("files", files(d.files()));
        out.put("lineage", lineage(d.lineage()));
        out.put("signature", d.signature());
        out.put("tags", new TreeMap<>(d.tags()));
        out.put("description", d.description());
        return out;
    }

    private static List<Object> files(List<ModelFile> files) {
        List<Object> out = new ArrayList<>();
        for (ModelFile f : files) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.path());
            m.put("hash", f.hash());
            m.put("size", f.size());
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> lineage(Lineage l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run", l.runId());
        out.put("datasets", l.datasets());
        out.put("commit", l.commit());
        out.put("config", Json.encodeNonFinite(l.config()));
        out.put("metrics", Json.encodeNonFinite(new TreeMap<>(l.metrics())));
        return out;
    }

    public static RegisteredModel modelFromServer(JsonNode n) {
        return new RegisteredModel(
                n.path("name").asText(),
                n.path("project").asText(),
                n.path("owner").asText(),
                n.path("description").asText(),
                strings(n.path("tags")),
                n.path("created").asLong(),
                n.path("updated").asLong());
    }

    public static ModelVersion versionFromServer(JsonNode n) {
        return new ModelVersion(
                n.path("model").asText(),
                n.path("version").asInt(),
                filesFrom(n.path("files")),
                lineageFrom(n.path("lineage")),
                n.path("signature").asText(),
                strings(n.path("tags")),
                n.path("description").asText(),
                n.path("created_by").asText(),
                n.path("created").asLong());
    }

    public static AliasMove moveFromServer(JsonNode n) {
        return new AliasMove(
                n.path("model").asText(),
                n.path("alias").asText(),
                n.path("version").asInt(),
                n.path("from").asInt(),
                n.path("moved_by").asText(),
                n.path("moved_at").asLong());
    }

    /** The files of a registration body, checked: each a relative path, a sha256 address and a size. */
    public static List<ModelFile> filesFrom(JsonNode files) {
        if (!files.isArray()) {
            throw KeelException.invalid("field 'files' must be a list of {path, hash, size}");
        }
        List<ModelFile> out = new ArrayList<>();
        for (JsonNode f : files) {
            String path = f.path("path").asText("");
            String hash = f.path("hash").asText("");
            if (path.isEmpty()
                    || !hash.matches("sha256:[0-9a-f]{64}")
                    || !f.path("size").canConvertToLong()) {
                throw KeelException.invalid("a file of 'files' must be {path, hash: sha256:<64 hex>, size}, not " + f);
            }
            out.add(new ModelFile(path, hash, f.path("size").asLong()));
        }
        return out;
    }

    /** The lineage of a version or registration body. */
    public static Lineage lineageFrom(JsonNode n) {
        List<String> datasets = new ArrayList<>();
        n.path("datasets").forEach(d -> datasets.add(d.asText()));
        Map<String, Object> config = n.path("config").isObject()
                ? Json.MAPPER.convertValue(n.path("config"), OBJECT)
                : new LinkedHashMap<>();
        Map<String, Double> metrics = new TreeMap<>();
        n.path("metrics").properties().forEach(e -> {
            JsonNode v = e.getValue();
            Double d = v.isNumber()
                    ? Double.valueOf(v.asDouble())
                    : v.isTextual() ? Json.nonFiniteValue(v.asText()) : null;
            if (d == null) {
                throw KeelException.invalid("metric '" + e.getKey() + "' of the lineage must be a number, not " + v);
            }
            metrics.put(e.getKey(), d);
        });
        return new Lineage(n.path("run").asText(), datasets, n.path("commit").asText(), config, metrics);
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> out = new TreeMap<>();
        n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
