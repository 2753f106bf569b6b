package dev.keel.cli.server;

import dev.keel.blob.s3.S3BlobStore;
import dev.keel.blob.s3.S3Options;
import dev.keel.core.Json;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import dev.keel.core.access.Accounts;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code keel server} processes (child JVMs, started as an operator would: one from flags and
 * a config file, one from environment variables) over one PostgreSQL database and one S3 bucket
 * serve the same data: what is written reaches both at once, since neither keeps state of its own.
 */
class ServerProcessesTest {
    @TempDir
    static Path dir;

    private static Backends backends;
    private static ServerProcess a;
    private static ServerProcess b;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        backends = new Backends(dir);
        Path config = dir.resolve("a.yaml");
        Files.writeString(
                config,
                "db: " + backends.jdbcUrl() + "\nblobs: s3://" + Backends.BUCKET + "/team\n"
                        + "request-timeout: 2\nmax-body-bytes: 4096\ns3:\n  endpoint: " + backends.s3Endpoint
                        + "\n  region: us-east-1\n  access-key-id: " + Backends.ACCESS_KEY + "\n");
        Map<String, String> envB = new HashMap<>(backends.s3Environment());
        envB.put("KEEL_SERVER_PORT", "0");
        envB.put("KEEL_DB", backends.jdbcUrl());
        envB.put("KEEL_BLOBS", "s3://" + Backends.BUCKET + "/team");
        // both start at once: each start is mostly a wait for the child JVM to listen
        ExecutorService starting = Executors.newFixedThreadPool(2);
        try {
            // the secret stays in the environment, where it belongs
            Future<ServerProcess> startA = starting.submit(() -> new ServerProcess(
                    dir,
                    "a",
                    List.of("--config", config.toString(), "--port", "0"),
                    Map.of("AWS_SECRET_ACCESS_KEY", Backends.SECRET_KEY)));
            Future<ServerProcess> startB = starting.submit(() -> new ServerProcess(dir, "b", List.of(), envB));
            // whichever started is stopped after the class, even when the other did not
            Exception failed = null;
            try {
                a = started(startA);
            } catch (Exception e) {
                failed = e;
            }
            try {
                b = started(startB);
            } catch (Exception e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            starting.shutdown();
        }
    }

    private static ServerProcess started(Future<ServerProcess> start) throws Exception {
        try {
            return start.get(180, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static String adminKey;

    @AfterAll
    static void stop() throws Exception {
        for (ServerProcess p : new ServerProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        if (backends != null) {
            backends.close();
        }
    }

    /** An admin's key: {@code keel server} signs every caller in, and the test's project has no owner. */
    private static synchronized String adminKey() {
        if (adminKey == null) {
            try (AccessStore access = AccessStores.open(backends.jdbcUrl())) {
                adminKey = new Accounts(access)
                        .createUser("root", true, List.of(), null)
                        .key();
            }
        }
        return adminKey;
    }

    private static HttpResponse<String> get(ServerProcess server, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url + path))
                        .GET()
                        .header("Authorization", "Bearer " + adminKey())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whatIsWrittenIsServedAlikeByBothProcesses() throws Exception {
        S3Options s3 = S3Options.fromLocation("s3://" + Backends.BUCKET + "/team", backends.s3Environment());
        String hash;
        try (S3BlobStore blobs = new S3BlobStore(s3)) {
            hash = blobs.put(new ByteArrayInputStream("model weights".getBytes(StandardCharsets.UTF_8)));
        }
        try (Store store = Stores.open(backends.jdbcUrl())) {
            long now = System.currentTimeMillis();
            store.createRun(
                    new RunInfo(
                            "team0001",
                            "shared",
                            "first-run",
                            "",
                            "ana",
                            List.of("x"),
                            "",
                            RunState.RUNNING,
                            now,
                            now,
                            0,
                            0,
                            "",
                            "gpu-1",
                            42,
                            Map.of("lr", 0.01),
                            Map.of()),
                    Map.of("git", Map.of("commit", "abc")));
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 100; i++) {
                batch.metrics.add("loss", i, now + i, 1.0 / (i + 1));
            }
            batch.summary.put("loss", 0.01);
            batch.addFile(new RunFile("model.bin", hash, 13, "artifact", now));
            store.apply("team0001", batch);
        }
        for (String path : List.of(
                "/api/v1/runs/team0001",
                "/api/v1/runs/team0001/metrics/loss",
                "/api/v1/runs/team0001/files",
                "/api/v1/projects/shared/runs?sort=-summary.loss",
                "/api/v1/runs/team0001/provenance")) {
            var fromA = get(a, path);
            var fromB = get(b, path);
            assertEquals(200, fromA.statusCode(), path + ": " + fromA.body());
            assertEquals(fromA.body(), fromB.body(), path);
        }
        Map<String, Object> history =
                Json.readMap(get(b, "/api/v1/runs/team0001/metrics/loss").body());
        assertEquals(100, ((List<?>) history.get("steps")).size());
        assertTrue(get(a, "/api/v1/runs/team0001/files").body().contains(hash), "the file's blob hash");

        // A second write is visible to both at once: no process caches.
        try (Store store = Stores.open(backends.jdbcUrl())) {
            WriteBatch done = new WriteBatch();
            done.state = RunState.FINISHED;
            done.endedAt = System.currentTimeMillis();
            store.apply("team0001", done);
        }
        assertTrue(get(a, "/api/v1/runs/team0001").body().contains("\"state\":\"finished\""));
        assertTrue(get(b, "/api/v1/runs/team0001").body().contains("\"state\":\"finished\""));
        assertTrue(get(b, "/healthz").body().contains("ok"));
    }

    @Test
    void aClientTooSlowToSendItsRequestIsCutOff() throws Exception {
        URI uri = URI.create(a.url);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            InputStream in = socket.getInputStream();
            int r;
            try {
                r = in.read();
            } catch (SocketException reset) {
                r = -1;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(-1, r, "the server answered a request it never fully received");
            assertTrue(seconds < 15, "closed after " + seconds + " s; request-timeout is 2 s");
        }
        assertEquals(200, get(a, "/healthz").statusCode(), "the server is fine afterwards");
    }

    @Test
    void settingsArePrintedWithTheirSourcesAndSecretsMasked() {
        String out = a.output();
        assertTrue(out.contains("request-timeout = 2  (" + dir.resolve("a.yaml") + ": request-timeout)"), out);
        assertTrue(out.contains("port = 0  (--port)"), out);
        assertTrue(out.contains("s3.secret-access-key = ****  ($AWS_SECRET_ACCESS_KEY)"), out);
        assertTrue(!out.contains(Backends.SECRET_KEY), out);
        String outB = b.output();
        assertTrue(outB.contains("db = " + backends.jdbcUrl() + "  ($KEEL_DB)"), outB);
    }

    @Test
    void sigtermStopsTheServerCleanly() throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "db: " + dir.resolve("solo/.keel") + "\nrequest-log: true\n");
        try (ServerProcess c =
                new ServerProcess(dir, "c", List.of("--config", config.toString(), "--port", "0"), Map.of())) {
            assertEquals(
                    200,
                    HTTP.send(
                                    HttpRequest.newBuilder(URI.create(c.url + "/healthz"))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
            int code = c.terminate();
            String out = c.output();
            assertEquals(143, code, out);
            assertTrue(out.contains("keel: stopped"), out);
            assertTrue(out.matches("(?s).* id=\\S+ GET /healthz 200 .*"), "request log line: " + out);
            assertTrue(Files.exists(dir.resolve("solo/.keel/keel.db")), "the SQLite store was created");
        }
    }
}
