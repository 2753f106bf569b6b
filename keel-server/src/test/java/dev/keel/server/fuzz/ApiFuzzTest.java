package dev.keel.server.fuzz;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.ConsoleLine;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture;
import dev.keel.server.http.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throws at least 10,000 random and mutated requests at a real server over real data: every
 * route the server has (including those other modules add later), with mutated path parameters,
 * garbage query strings, malformed, truncated, huge and deeply nested JSON, wrong types,
 * unicode, traversal, and broken HTTP framing over raw sockets. No response may be a 5xx; API
 * errors must be JSON; no response may grant CORS; afterwards the server is healthy and the
 * protected project's data is byte for byte what it was.
 *
 * <p>Seeded: {@code -Dkeel.fuzz.seed=N} replays a run, {@code -Dkeel.fuzz.requests=N} sizes it;
 * each failure names the seed and the request's index, which alone determine the request (the
 * responses to writes may differ with the order 16 client threads send them in: many threads,
 * since on a busy machine each round trip waits for CPU).
 */
class ApiFuzzTest {
    private static final long SEED = Long.getLong("keel.fuzz.seed", 20261129L);
    private static final int REQUESTS = Integer.getInteger("keel.fuzz.requests", 10_000);
    private static final int THREADS = Integer.getInteger("keel.fuzz.threads", 16);

    @TempDir
    Path dir;

    /**
     * One run logged through the SDK (event log, files, provenance), the others written through
     * the store as a server's clients would, with console lines; each with NaN and infinite values.
     */
    private List<String> logRuns(String project, int n) throws IOException {
        List<String> ids = new ArrayList<>();
        Path artifact = Files.writeString(dir.resolve(project + "-model.txt"), "weights of " + project);
        RunOptions options = RunOptions.builder()
                .project(project)
                .name(project + "-0")
                .home(dir)
                .config(Map.of("lr", 0.1, "layers", 1, "opt", Map.of("name", "adam")))
                .tags("t0")
                .notes("notes ünïcødé 🚀")
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            for (int i = 0; i < 20; i++) {
                run.log(Map.of("loss", 1.0 / (i + 1), "acc", i / 20.0, "system/cpu", 10.0 + i));
            }
            run.log(Map.of("loss", Double.NaN));
            run.summary().put("best", Double.POSITIVE_INFINITY);
            run.saveFile(artifact);
            ids.add(run.id());
        }
        try (Store store = Stores.open(new KeelHome(dir).storeLocation())) {
            for (int r = 1; r < n; r++) {
                String id = project.substring(0, 3) + "fuzz" + r;
                long now = System.currentTimeMillis();
                store.createRun(
                        new RunInfo(
                                id,
                                project,
                                project + "-" + r,
                                "g",
                                "ana",
                                List.of("t" + r),
                                "日本 🚀",
                                RunState.FINISHED,
                                now,
                                now,
                                now,
                                1000,
                                "",
                                "host",
                                1,
                                Map.of("lr", 0.1 / (r + 1), "layers", r + 1),
                                Map.of()),
                        Map.of("git", Map.of("commit", "abc")));
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 20; i++) {
                    batch.metrics.add("loss", i, now + i, 1.0 / (i + 1));
                    batch.metrics.add("acc", i, now + i, i == 7 ? Double.NEGATIVE_INFINITY : i / 20.0);
                    batch.metrics.add("system/cpu", i, now + i, 10.0 + i);
                    batch.console.add(new ConsoleLine(i, now + i, i % 2 == 0 ? "out" : "err", "line " + i + " ✓"));
                }
                batch.summary.put("best", Double.NaN);
                store.apply(id, batch);
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void tenThousandHostileRequestsGetNo5xxAndChangeNothing() throws Exception {
        List<String> protectedIds = logRuns("vision", 3);
        List<String> scratchIds = logRuns("scratch", 2);
        try (ServerFixture f = new ServerFixture(dir)) {
            Map<String, String> before = snapshot(f, protectedIds);
            List<Route> routes = f.server.routes();
            Fuzz fuzz = new Fuzz(
                    SEED,
                    routes,
                    protectedIds,
                    scratchIds,
                    List.of("vision"),
                    List.of("scratch", "new-project"),
                    List.of("loss", "acc", "system/cpu", "best", "nope/nested/key"));
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < THREADS; t++) {
                Thread w = new Thread(
                        () -> {
                            int i;
                            while ((i = next.getAndIncrement()) < REQUESTS && failures.size() < 20) {
                                Fuzz.Request request = null;
                                try {
                                    request = fuzz.request(i);
                                    long started = System.nanoTime();
                                    int status = send(f, http, request, failures);
                                    long ms = (System.nanoTime() - started) / 1_000_000;
                                    if (ms > 5000) {
                                        System.out.println("fuzz: slow (" + ms + " ms): " + request.describe());
                                    }
                                    statuses.computeIfAbsent(status, k -> new LongAdder())
                                            .increment();
                                    // MLflow's tracing and multipart-upload routes answer allowed calls
                                    // with MLflow's 501 NOT_IMPLEMENTED, by design
                                    String d = request.describe();
                                    boolean refused = status == 501
                                            && (d.contains("/mlflow/traces") || d.contains("/mlflow-artifacts/mpu/"));
                                    if (status >= 500 && !refused) {
                                        failures.add("seed " + SEED + " " + request.describe() + " -> " + status);
                                    }
                                } catch (Throwable e) {
                                    failures.add("seed " + SEED + " " + (request == null ? "#" + i : request.describe())
                                            + " -> client error " + e);
                                }
                            }
                        },
                        "fuzz-" + t);
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<Integer, Long> counts = new TreeMap<>();
            statuses.forEach((k, v) -> counts.put(k, v.sum()));
            System.out.printf("fuzz: %d requests in %.1f s, seed %d, statuses %s%n", REQUESTS, seconds, SEED, counts);

            assertTrue(
                    failures.isEmpty(), failures.size() + " bad responses (first 20):\n" + String.join("\n", failures));
            assertEquals(
                    REQUESTS,
                    counts.values().stream().mapToLong(Long::longValue).sum(),
                    "every request was sent");
            assertTrue(
                    counts.keySet().stream().anyMatch(s -> s >= 200 && s < 300), "some requests succeeded: " + counts);
            assertTrue(counts.keySet().stream().anyMatch(s -> s >= 400 && s < 500), "some were refused: " + counts);

            var health = f.get("/healthz");
            assertEquals(200, health.status(), health.body());
            assertEquals("ok", health.json().get("status"));
            // Metrics stay bounded whatever the clients sent: labels are route patterns, known methods, statuses.
            String metrics = f.get("/metrics").body();
            long series = metrics.lines()
                    .filter(l -> l.startsWith("keel_http_requests_total{"))
                    .count();
            assertTrue(
                    series <= (routes.size() + 1) * 8L * 12,
                    series + " request series for " + routes.size() + " routes");
            assertTrue(
                    metrics.lines()
                            .filter(l -> l.startsWith("keel_http_requests_total{"))
                            .allMatch(l -> l.matches(
                                    "keel_http_requests_total\\{route=\"(unmatched|/[^\"]*)\",method=\"(GET|HEAD|POST|PUT|PATCH"
                                            + "|DELETE|OPTIONS|other)\",status=\"[0-9]{3}\"} [0-9]+")),
                    metrics);
            Map<String, String> after = snapshot(f, protectedIds);
            List<String> changed = new ArrayList<>();
            before.forEach((path, body) -> {
                if (!body.equals(after.get(path))) {
                    changed.add(path + "\n  before: " + body + "\n  after:  " + after.get(path));
                }
            });
            assertTrue(changed.isEmpty(), "the protected project's data changed:\n" + String.join("\n", changed));
        }
    }

    /** Every read of the protected project's data, by path. */
    private static Map<String, String> snapshot(ServerFixture f, List<String> ids) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> paths =
                new ArrayList<>(List.of("/api/v1/projects/vision", "/api/v1/projects/vision/runs?limit=100"));
        for (String id : ids) {
            for (String p : List.of(
                    "",
                    "/provenance",
                    "/metrics",
                    "/metrics/loss",
                    "/metrics/acc",
                    "/metrics/system/cpu",
                    "/files",
                    "/console")) {
                paths.add("/api/v1/runs/" + id + p);
            }
        }
        for (String p : paths) {
            var r = f.get(p);
            out.put(p, r.status() + " " + r.body());
        }
        return out;
    }

    /** Sends one request; returns its status, or 0 when the server closed without answering. */
    private static int send(ServerFixture f, HttpClient http, Fuzz.Request r, Queue<String> failures) throws Exception {
        if (r.raw() != null) {
            return raw(f, r.raw());
        }
        URI uri;
        try {
            uri = URI.create(f.server.url() + r.pathAndQuery());
        } catch (IllegalArgumentException notAUri) {
            // Not something a client library would send: put it on the wire as it is.
            return raw(f, rawRequest(r));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(
                        r.method(),
                        r.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(r.body()));
        r.headers().forEach(b::header);
        HttpResponse<InputStream> response;
        byte[] responseBody;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            // A stream that never ends (server-sent events) or a big download: the status is what counts.
            try (InputStream in = response.body()) {
                boolean events =
                        response.headers().firstValue("Content-Type").orElse("").contains("event-stream");
                responseBody = events ? new byte[0] : in.readNBytes(1 << 20);
            }
        } catch (IllegalArgumentException refusedByClient) {
            return raw(f, rawRequest(r));
        } catch (IOException closed) {
            // e.g. a 413 sent while the client was still writing; the next requests show the server is fine
            return 0;
        }
        for (String name : response.headers().map().keySet()) {
            if (name.toLowerCase().startsWith("access-control-allow")) {
                failures.add("seed " + SEED + " " + r.describe() + " -> granted CORS: " + name);
            }
        }
        int status = response.statusCode();
        if (status >= 400 && !r.method().equals("HEAD") && r.pathAndQuery().startsWith("/api/")) {
            String body = new String(responseBody, StandardCharsets.UTF_8);
            try {
                Map<String, Object> error = Json.readMap(body);
                if (!(error.get("error_code") instanceof String) || !(error.get("message") instanceof String)) {
                    failures.add("seed " + SEED + " " + r.describe() + " -> " + status
                            + " without {error_code, message}: " + body);
                }
            } catch (RuntimeException e) {
                failures.add("seed " + SEED + " " + r.describe() + " -> " + status + " with a non-JSON error: " + body);
            }
        }
        return status;
    }

    private static byte[] rawRequest(Fuzz.Request r) {
        StringBuilder s = new StringBuilder(r.method())
                .append(' ')
                .append(r.pathAndQuery())
                .append(" HTTP/1.1\r\nHost: localhost\r\n");
        r.headers().forEach((k, v) -> s.append(k).append(": ").append(v).append("\r\n"));
        byte[] body = r.body() == null ? new byte[0] : r.body();
        s.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = s.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Writes the bytes on a new connection, closes the sending side, reads the status line. */
    private static int raw(ServerFixture f, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", f.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the server may refuse while we are still writing
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            try {
                int c;
                while ((c = in.read()) >= 0 && c != '\n' && head.size() < 200) {
                    head.write(c);
                }
            } catch (IOException reset) {
                // connection reset: no answer
            }
            String line = head.toString(StandardCharsets.ISO_8859_1);
            if (!line.startsWith("HTTP/")) {
                return 0;
            }
            String[] parts = line.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 0;
        }
    }
}
