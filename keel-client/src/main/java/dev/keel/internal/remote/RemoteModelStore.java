package dev.keel.internal.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.blob.CorruptBlobException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.http.KeelHttp;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.Registration;
import dev.keel.core.model.ServedModelStore;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.wire.ModelWire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The model registry of a Keel server ({@code /api/v1/models}). The server checks every call
 * against the model's project, registers from the runs it holds and serves the files, so who
 * registers or moves an alias is the caller, whatever a draft or {@code by} says.
 */
final class RemoteModelStore implements ServedModelStore {
    private static final String BASE = "/api/v1/models";
    private static final Duration TRANSFER_TIMEOUT = Duration.ofHours(1);

    private final KeelHttp http;

    RemoteModelStore(KeelHttp http) {
        this.http = http;
    }

    @Override
    public ModelVersion register(String name, String project, String owner, VersionDraft draft) {
        return ModelWire.versionFromServer(
                http.callJson("POST", modelPath(name) + "/versions", ModelWire.toMap(project, draft)));
    }

    @Override
    public ModelVersion register(String name, Registration what) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", what.runId());
        if (what.checkpoint() != null) {
            body.put("checkpoint", what.checkpoint());
        }
        if (what.path() != null) {
            body.put("path", what.path());
        }
        body.put("description", what.description());
        body.put("tags", new TreeMap<>(what.tags()));
        body.put("signature", what.signature());
        return ModelWire.versionFromServer(http.callJson("POST", modelPath(name) + "/versions", body));
    }

    @Override
    public Optional<RegisteredModel> model(String name) {
        return orEmpty(() -> ModelWire.modelFromServer(http.get(modelPath(name))));
    }

    @Override
    public List<RegisteredModel> models() {
        List<RegisteredModel> out = new ArrayList<>();
        for (JsonNode m : http.get(BASE).path("models")) {
            out.add(ModelWire.modelFromServer(m));
        }
        return out;
    }

    @Override
    public List<ModelVersion> versions(String name) {
        return versionList(() -> http.get(modelPath(name) + "/versions"));
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
        return orEmpty(() -> ModelWire.versionFromServer(http.get(modelPath(name) + "/versions/" + version)));
    }

    @Override
    public Optional<ModelVersion> latest(String name) {
        return orEmpty(() -> ModelWire.versionFromServer(http.get(modelPath(name) + "/versions/latest")));
    }

    @Override
    public List<ModelVersion> versionsOfRun(String runId) {
        return versionList(() -> http.get("/api/v1/runs/" + KeelHttp.segment(runId) + "/models"));
    }

    @Override
    public Map<String, Integer> aliases(String name) {
        Map<String, Integer> out = new TreeMap<>();
        orEmpty(() -> http.get(modelPath(name) + "/aliases"))
                .ifPresent(n -> n.path("aliases")
                        .properties()
                        .forEach(e -> out.put(e.getKey(), e.getValue().asInt())));
        return out;
    }

    @Override
    public List<AliasMove> aliasMoves(String name) {
        List<AliasMove> out = new ArrayList<>();
        orEmpty(() -> http.get(modelPath(name) + "/aliases"))
                .ifPresent(n -> n.path("moves").forEach(m -> out.add(ModelWire.moveFromServer(m))));
        return out;
    }

    @Override
    public AliasMove moveAlias(String name, String alias, int version, String by) {
        return ModelWire.moveFromServer(http.callJson("PUT", aliasPath(name, alias), Map.of("version", "v" + version)));
    }

    @Override
    public boolean removeAlias(String name, String alias, String by) {
        return http.call("DELETE", aliasPath(name, alias), null, null)
                .path("removed")
                .asBoolean();
    }

    @Override
    public void tag(String name, int version, Map<String, String> tags) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (version > 0) {
            body.put("version", version);
        }
        body.put("tags", tags);
        http.callJson("POST", modelPath(name) + "/tags", body);
    }

    @Override
    public void deleteVersion(String name, int version) {
        http.call("DELETE", modelPath(name) + "/versions/" + version, null, null);
    }

    @Override
    public void describe(String name, int version, String description) {
        String path = version > 0 ? modelPath(name) + "/versions/" + version : modelPath(name);
        http.callJson("PATCH", path, Map.of("description", description == null ? "" : description));
    }

    @Override
    public void rename(String name, String newName) {
        http.callJson("POST", modelPath(name) + "/rename", Map.of("new_name", newName));
    }

    /** What the caller's visible models list; the server's own clean-up asks its store. */
    @Override
    public List<String> heldHashes() {
        Set<String> out = new LinkedHashSet<>();
        for (RegisteredModel m : models()) {
            for (ModelVersion v : versions(m.name())) {
                v.files().forEach(f -> out.add(f.hash()));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void download(ModelVersion v, ModelFile f, Path target) throws IOException {
        String path = modelPath(v.model()) + "/versions/" + v.version() + "/files/" + segments(f.path());
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".keel-", ".part");
        try {
            MessageDigest sha = Hashes.sha256();
            try (InputStream in = http.stream(http.request(path).GET().timeout(TRANSFER_TIMEOUT));
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                in.transferTo(out);
            } catch (IOException e) {
                throw http.unreachable(e);
            }
            String got = Hashes.address(sha.digest());
            if (!got.equals(f.hash())) {
                throw new CorruptBlobException(f.hash(), got);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String modelPath(String name) {
        return BASE + "/" + KeelHttp.segment(name);
    }

    private static String aliasPath(String name, String alias) {
        return modelPath(name) + "/aliases/" + KeelHttp.segment(alias);
    }

    private static String segments(String path) {
        StringBuilder out = new StringBuilder();
        for (String s : path.split("/")) {
            out.append(out.length() == 0 ? "" : "/").append(KeelHttp.segment(s));
        }
        return out.toString();
    }

    private static List<ModelVersion> versionList(Supplier<JsonNode> call) {
        List<ModelVersion> out = new ArrayList<>();
        for (JsonNode v : orEmpty(() -> call.get().path("versions")).orElseGet(Json.MAPPER::createArrayNode)) {
            out.add(ModelWire.versionFromServer(v));
        }
        return out;
    }

    /** The call's result, or empty when the server says the object does not exist (or is not the caller's to see). */
    private static <T> Optional<T> orEmpty(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (KeelException e) {
            if (e.code() == ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
