package dev.keel.serve.internal;

import ai.djl.modality.Input;
import ai.djl.modality.Output;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelVersion;
import dev.keel.serve.translate.ImageClassifierTranslator;
import dev.keel.server.http.Handler;
import dev.keel.server.http.Request;
import dev.keel.server.http.Response;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The handlers of the serving routes that {@link ServeRoute} declares with their access rules:
 * {@code POST /v1/models/NAME:predict}, {@code GET /v1/models} and {@code /v1/models/NAME},
 * {@code /healthz}, {@code /metrics}, {@code /openapi.json}, and the static pages of {@code --web}
 * at {@code /}.
 */
final class ServeApi {
    /** Instances one JSON request may hold. */
    static final int MAX_INSTANCES = 256;

    private final Versions versions;
    private final ServeMetrics metrics;
    private final Path webDir;

    ServeApi(Versions versions, ServeMetrics metrics, Path webDir) {
        this.versions = versions;
        this.metrics = metrics;
        this.webDir = webDir;
    }

    /** Adds the routes of {@link ServeRoute}, each with its declared rule; the --web ones only with a folder. */
    void register(Router router, boolean keyed) {
        for (ServeRoute route : ServeRoute.values()) {
            if (route.web() && webDir == null) {
                continue;
            }
            router.add(new Route(
                    route.method(),
                    route.pattern(),
                    route.access(keyed),
                    handler(route, router),
                    false,
                    route.summary()));
        }
    }

    private Handler handler(ServeRoute route, Router router) {
        return switch (route) {
            case PREDICT -> this::predict;
            case MODELS -> r -> Map.of("models", List.of(describe()));
            case MODEL -> this::model;
            case HEALTH -> r -> versions.health();
            case METRICS ->
                r -> Response.bytes(
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        metrics.prometheus(versions.followed().name()).getBytes(StandardCharsets.UTF_8));
            case OPENAPI -> r -> OpenApi.document(router.routes());
            case WEB_INDEX -> r -> page("index.html");
            case WEB_FILE -> r -> page(r.param("file"));
        };
    }

    /**
     * Answers later: the response is sent by the batch worker that ran the request's batch, so
     * no request thread waits while the model computes.
     */
    private Object predict(Request r) {
        String call = r.param("call");
        String name = versions.followed().name();
        if (!call.endsWith(":predict")) {
            throw new KeelException(
                    ErrorCode.ENDPOINT_NOT_FOUND,
                    "no endpoint POST " + r.path() + ": use /v1/models/" + name + ":predict");
        }
        long t0 = System.nanoTime();
        CompletableFuture<Response> out;
        try {
            checkName(call.substring(0, call.length() - ":predict".length()));
            byte[] body = r.body();
            if (body.length == 0) {
                throw new KeelException(
                        ErrorCode.BAD_REQUEST,
                        "the request body is empty: send the image bytes"
                                + " (Content-Type image/png, image/jpeg or application/octet-stream) or JSON"
                                + " {\"instances\": [{\"b64\": \"...\"}]}");
            }
            boolean json = r.header("Content-Type")
                    .map(t -> t.toLowerCase().startsWith("application/json"))
                    .orElse(false);
            out = json ? predictJson(r) : predictOne(body);
        } catch (RuntimeException e) {
            metrics.request(e instanceof KeelException k ? k.code().httpStatus() : 500, System.nanoTime() - t0);
            throw e;
        }
        return out.whenComplete((response, error) -> metrics.request(status(response, error), System.nanoTime() - t0));
    }

    private static int status(Response response, Throwable error) {
        if (error == null) {
            return response.status();
        }
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof KeelException k ? k.code().httpStatus() : 500;
    }

    private CompletableFuture<Response> predictOne(byte[] image) {
        return versions.predictAll(List.of(input(image))).thenApply(answers -> {
            Versions.Answer a = answers.get(0);
            Output out = a.output();
            record(out);
            if (out.getCode() != 200) {
                throw new KeelException(ErrorCode.INVALID_PARAMETER_VALUE, out.getMessage());
            }
            return Response.bytes(200, "application/json", withVersion(out, a.version()))
                    .header("X-Keel-Model-Version", a.version().ref());
        });
    }

    private CompletableFuture<Response> predictJson(Request r) {
        JsonNode body = r.json();
        JsonNode instances = body.get("instances");
        if (instances == null || !instances.isArray() || instances.isEmpty()) {
            throw new KeelException(
                    ErrorCode.BAD_REQUEST,
                    "a JSON request holds {\"instances\": [{\"b64\": \"<base64"
                            + " image>\"}, …]}; send raw image bytes instead for one image");
        }
        if (instances.size() > MAX_INSTANCES) {
            throw new KeelException(
                    ErrorCode.REQUEST_LIMIT_EXCEEDED,
                    "a request may hold at most " + MAX_INSTANCES + " instances, this one holds " + instances.size()
                            + ": split it");
        }
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            JsonNode b64 = instances.get(i).get("b64");
            if (b64 == null || !b64.isTextual()) {
                throw new KeelException(
                        ErrorCode.BAD_REQUEST,
                        "instance " + i + " has no \"b64\" string: each instance"
                                + " is {\"b64\": \"<base64 image>\"}");
            }
            try {
                images.add(Base64.getDecoder().decode(b64.asText()));
            } catch (IllegalArgumentException e) {
                throw new KeelException(
                        ErrorCode.BAD_REQUEST, "instance " + i + "'s b64 is not base64: " + e.getMessage());
            }
        }
        List<Input> inputs = new ArrayList<>(images.size());
        for (byte[] image : images) {
            inputs.add(input(image));
        }
        return versions.predictAll(inputs).thenApply(this::predictions);
    }

    private Response predictions(List<Versions.Answer> answers) {
        ModelVersion answeredBy = answers.get(answers.size() - 1).version();
        // Spliced as text, as withVersion does: each answer already is the translator's JSON object.
        StringBuilder out = new StringBuilder(128 + 256 * answers.size())
                .append("{\"model_version\": ")
                .append(Json.write(answeredBy.ref()))
                .append(", \"predictions\": [");
        for (int i = 0; i < answers.size(); i++) {
            Versions.Answer a = answers.get(i);
            record(a.output());
            if (a.output().getCode() != 200) {
                throw new KeelException(
                        ErrorCode.INVALID_PARAMETER_VALUE,
                        "instance " + i + ": " + a.output().getMessage());
            }
            out.append(i == 0 ? "" : ", ").append(object(a.output().getData().getAsString()));
        }
        out.append("]}");
        return Response.bytes(200, "application/json", out.toString().getBytes(StandardCharsets.UTF_8))
                .header("X-Keel-Model-Version", answeredBy.ref());
    }

    /** The translator's answer when it is one JSON object, else the same re-written as one. */
    private static String object(String answer) {
        String a = answer.strip();
        return a.startsWith("{") && a.endsWith("}") ? a : Json.write(Json.readMap(a));
    }

    private static Input input(byte[] image) {
        Input in = new Input();
        in.add("data", image);
        return in;
    }

    /** A successful answer's class and input statistics into the metrics. */
    private void record(Output out) {
        if (out.getCode() == 200) {
            String mean = out.getProperty(ImageClassifierTranslator.MEAN_PROPERTY, null);
            String cls = out.getProperty(ImageClassifierTranslator.CLASS_PROPERTY, null);
            if (cls != null) {
                metrics.prediction(cls, mean == null ? Double.NaN : Double.parseDouble(mean));
            }
        }
    }

    /**
     * The translator's JSON object with {@code model_version} put first. Spliced as text: parsing
     * and writing the answer again would cost more than the rest of the response.
     */
    static byte[] withVersion(Output out, ModelVersion v) {
        String answer = out.getData().getAsString().strip();
        String version = versionPrefix(v);
        if (answer.startsWith("{") && answer.endsWith("}")) {
            String rest = answer.substring(1).strip();
            return (rest.equals("}") ? version + "}" : version + ", " + rest).getBytes(StandardCharsets.UTF_8);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_version", v.ref());
        m.putAll(Json.readMap(answer));
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** The answer's opening, written once per version: every answer of a version starts alike. */
    private static volatile Prefix lastPrefix;

    private record Prefix(ModelVersion version, String text) {}

    private static String versionPrefix(ModelVersion v) {
        Prefix p = lastPrefix;
        if (p == null || p.version() != v) {
            p = new Prefix(v, "{\"model_version\": " + Json.write(v.ref()));
            lastPrefix = p;
        }
        return p.text();
    }

    private Object model(Request r) {
        checkName(r.param("name"));
        return describe();
    }

    private Map<String, Object> describe() {
        LoadedVersion v = versions.current();
        ModelVersion mv = v.version();
        Lineage l = mv.lineage();
        Map<String, Object> lineage = new LinkedHashMap<>();
        lineage.put("run", l.runId());
        lineage.put("datasets", l.datasets());
        lineage.put("commit", l.commit());
        lineage.put("metrics", l.metrics());
        lineage.put("config", l.config());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", mv.model());
        m.put("version", mv.version());
        m.put("ref", mv.ref());
        m.put("following", versions.following() ? versions.followed().toString() : null);
        m.put("pinned", !versions.following());
        m.put("loaded_at", v.loadedAt());
        m.put("description", mv.description());
        m.put("created_by", mv.createdBy());
        m.put("created_at", mv.createdAt());
        m.put("lineage", lineage);
        m.put("baseline_dataset", v.baseline().dataset());
        return m;
    }

    private void checkName(String name) {
        String served = versions.followed().name();
        if (!served.equals(name)) {
            throw KeelException.notFound(
                    "this server serves model '" + served + "', not '" + name + "': use /v1/models/" + served
                            + ":predict, or start 'keel serve " + name + "@ALIAS' for that model");
        }
    }

    private Response page(String file) throws IOException {
        if (!file.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,100}")) {
            throw KeelException.notFound("no page " + file);
        }
        Path p = webDir.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw KeelException.notFound("no page " + file + " in " + webDir);
        }
        String type = file.endsWith(".html")
                ? "text/html; charset=utf-8"
                : file.endsWith(".js")
                        ? "text/javascript; charset=utf-8"
                        : file.endsWith(".css") ? "text/css" : "application/octet-stream";
        return Response.bytes(200, type, Files.readAllBytes(p));
    }
}
