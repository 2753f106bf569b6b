package dev.keel.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.Visibility;
import dev.keel.core.http.KeelHttp;
import dev.keel.data.internal.RemoteCalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A Keel server's dataset API, as {@link Datasets#push} and {@link Datasets#pull} use it.
 *
 * <pre>{@code
 * DataRemote server = DataRemote.connect("http://keel.example:7080", System.getenv("KEEL_API_KEY"));
 * try (Datasets data = Datasets.open(KeelHome.resolve())) {
 *     System.out.println(data.push("fashion-mnist:latest", server).summary("sent"));
 * }
 * }</pre>
 * Talks through {@link KeelHttp}: errors are {@link KeelException}s carrying the server's error
 * code and message, or saying that the answer came from something that is not Keel. Safe for use
 * by many threads (one HTTP client, HTTP/1.1 connections reused).
 */
public final class DataRemote {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);
    private final KeelHttp http;
    private final Calls calls = new Calls();

    private DataRemote(KeelHttp http) {
        this.http = http;
    }

    /** {@code url}: the server's base URL ({@code http://host:port}); {@code apiKey} may be null (no key). */
    public static DataRemote connect(String url, String apiKey) {
        return new DataRemote(KeelHttp.connect(url, apiKey, CONNECT_TIMEOUT, TRANSFER_TIMEOUT));
    }

    public String url() {
        return http.url();
    }

    RemoteCalls calls() {
        return calls;
    }

    private final class Calls implements RemoteCalls {
        @Override
        public Optional<Dataset> dataset(String name) {
            try {
                return Optional.of(datasetOf(http.get(path(name))));
            } catch (KeelException e) {
                if (e.code() == KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        @Override
        public Dataset saveDataset(String name, String description, Visibility visibility) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("description", description);
            body.put("visibility", visibility == null ? null : visibility.id());
            return datasetOf(http.callJson("PUT", path(name), body));
        }

        @Override
        public DatasetVersion version(String dataset, String ref) {
            return versionOf(dataset, http.get(path(dataset) + "/versions/" + KeelHttp.segment(ref)));
        }

        @Override
        public byte[] manifest(String dataset, String ref) {
            return http.bytes(http.request(path(dataset) + "/versions/" + KeelHttp.segment(ref) + "/manifest")
                    .GET());
        }

        @Override
        public Missing missing(String dataset, List<String> addresses) {
            JsonNode out = http.callJson("POST", path(dataset) + "/blobs/missing", Map.of("hashes", addresses));
            List<String> missing = new ArrayList<>();
            out.path("missing").forEach(h -> missing.add(h.asText()));
            return new Missing(missing, out.path("wants_pack_hash").asBoolean(false));
        }

        /** On a blocking connection: a plain copy with a large buffer is cheaper for bulk bytes. */
        @Override
        public void upload(String dataset, long length, String packHash, Supplier<InputStream> body)
                throws IOException {
            Map<String, String> headers = packHash == null ? Map.of() : Map.of("X-Keel-Pack-Hash", packHash);
            try (InputStream answer = http.postStreaming(
                    path(dataset) + "/blobs", "application/x-keel-pack", length, headers, TRANSFER_TIMEOUT, out -> {
                        try (InputStream in = body.get()) {
                            byte[] buf = new byte[1 << 20];
                            for (int n; (n = in.read(buf)) > 0; ) {
                                out.write(buf, 0, n);
                            }
                        }
                    })) {
                answer.transferTo(OutputStream.nullOutputStream());
            }
        }

        @Override
        public DatasetStore.Committed commit(
                String dataset, byte[] manifest, String message, String author, long createdAt) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("manifest", Base64.getEncoder().encodeToString(manifest));
            body.put("message", message);
            body.put("created_at", createdAt);
            JsonNode out = http.callJson("POST", path(dataset) + "/versions", body);
            return new DatasetStore.Committed(
                    versionOf(dataset, out.path("version")), out.path("created").asBoolean(false));
        }

        @Override
        public InputStream objects(String dataset, List<String> addresses) {
            byte[] body = Json.write(Map.of("hashes", addresses)).getBytes(StandardCharsets.UTF_8);
            return http.postStreaming(
                    path(dataset) + "/blobs/fetch",
                    "application/json",
                    body.length,
                    Map.of(),
                    TRANSFER_TIMEOUT,
                    out -> out.write(body));
        }
    }

    private static String path(String dataset) {
        return "/api/v1/datasets/" + KeelHttp.segment(dataset);
    }

    private static Dataset datasetOf(JsonNode m) {
        return new Dataset(
                text(m, "name"),
                text(m, "owner"),
                text(m, "description"),
                Visibility.parse(text(m, "visibility")),
                m.path("created_at").asLong());
    }

    private static String text(JsonNode m, String field) {
        return m.hasNonNull(field) ? m.get(field).asText() : null;
    }

    private static DatasetVersion versionOf(String dataset, JsonNode m) {
        return new DatasetVersion(
                dataset,
                m.path("number").asInt(),
                text(m, "hash"),
                text(m, "message"),
                text(m, "author"),
                m.path("created_at").asLong(),
                m.path("file_count").asLong(),
                m.path("total_bytes").asLong(),
                m.path("parent").asInt());
    }
}
