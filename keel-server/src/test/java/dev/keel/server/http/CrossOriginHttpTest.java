package dev.keel.server.http;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerFixture;
import dev.keel.server.ServerFixture.Reply;
import dev.keel.server.ServerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel ui} has no sign-in, so what stops other web pages from driving it is the
 * {@link OriginGuard}: a Host that is not one of the server's names (DNS rebinding) is refused,
 * and so is a state-changing request that a browser marks as coming from another origin. Clients
 * that are not browsers send neither header and keep working.
 */
class CrossOriginHttpTest {
    static final String EVIL = "http://evil.example";

    @TempDir
    Path dir;

    ServerFixture fx;
    String experiment;
    final List<String> runs = new ArrayList<>();

    @BeforeEach
    void start() {
        for (int i = 0; i < 2; i++) {
            try (Run run = Keel.init(RunOptions.builder()
                    .project("vision")
                    .name("run-" + i)
                    .home(dir)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                run.log(Map.of("loss", 1.0 / (i + 1)));
                runs.add(run.id());
            }
        }
        fx = new ServerFixture(dir);
        Reply e = fx.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=vision");
        assertEquals(200, e.status(), e.body());
        experiment = (String) ((Map<?, ?>) e.json().get("experiment")).get("experiment_id");
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private Reply post(String path, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fx.server.url() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return fx.send(b.build());
    }

    private String stage(String run) {
        Reply r = fx.get("/api/2.0/mlflow/runs/get?run_id=" + run);
        assertEquals(200, r.status(), r.body());
        return (String) ((Map<?, ?>) ((Map<?, ?>) r.json().get("run")).get("info")).get("lifecycle_stage");
    }

    private void assertRunsUntouched() {
        for (String run : runs) {
            assertEquals("active", stage(run), "run " + run + " was deleted");
        }
        Reply e = fx.get("/api/2.0/mlflow/experiments/get?experiment_id=" + experiment);
        assertEquals("active", ((Map<?, ?>) e.json().get("experiment")).get("lifecycle_stage"), e.body());
    }

    private static void assertRefused(Reply r, String... mentions) {
        assertEquals(403, r.status(), r.body());
        assertEquals("PERMISSION_DENIED", r.json().get("error_code"), r.body());
        String message = (String) r.json().get("message");
        for (String m : mentions) {
            assertTrue(message.contains(m), "the message should name '" + m + "': " + message);
        }
    }

    @Test
    void aCrossSiteSimplePostCannotDeleteAnExperimentOrARun() {
        // What a form or fetch(no-cors) on another site sends: no preflight, text/plain body.
        String[] simple = {"Content-Type", "text/plain", "Origin", EVIL};
        assertRefused(
                post("/api/2.0/mlflow/experiments/delete", "{\"experiment_id\":\"" + experiment + "\"}", simple),
                EVIL,
                "--allowed-hosts");
        for (String run : runs) {
            assertRefused(post("/api/2.0/mlflow/runs/delete", "{\"run_id\":\"" + run + "\"}", simple), EVIL);
            assertRefused(post("/ajax-api/2.0/mlflow/runs/delete", "{\"run_id\":\"" + run + "\"}", simple), EVIL);
        }
        // PATCH and DELETE of the dashboard's own API, with a foreign origin: refused too.
        assertRefused(fx.send(HttpRequest.newBuilder(URI.create(fx.server.url() + "/api/v1/runs/" + runs.get(0)))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"notes\":\"pwned\"}"))
                .header("Content-Type", "application/json")
                .header("Origin", EVIL)
                .build()));
        assertRunsUntouched();
        assertFalse("pwned".equals(fx.get("/api/v1/runs/" + runs.get(0)).json().get("notes")));
    }

    @Test
    void fetchMetadataCrossSiteOrSameSiteOnAWriteIsRefused() {
        for (String site : List.of("cross-site", "same-site")) {
            Reply r = post(
                    "/api/2.0/mlflow/runs/delete",
                    "{\"run_id\":\"" + runs.get(0) + "\"}",
                    "Content-Type",
                    "application/json",
                    "Sec-Fetch-Site",
                    site);
            assertRefused(r, site);
        }
        // A sandboxed frame or a file:// page sends Origin: null.
        assertRefused(post(
                "/api/2.0/mlflow/runs/delete",
                "{\"run_id\":\"" + runs.get(0) + "\"}",
                "Content-Type",
                "text/plain",
                "Origin",
                "null"));
        // Another port on the same machine is another origin (another local app's page).
        String otherPort = "http://127.0.0.1:" + (fx.server.port() == 65535 ? 1 : fx.server.port() + 1);
        assertRefused(
                post(
                        "/api/2.0/mlflow/runs/delete",
                        "{\"run_id\":\"" + runs.get(0) + "\"}",
                        "Content-Type",
                        "text/plain",
                        "Origin",
                        otherPort),
                otherPort);
        assertRunsUntouched();
    }

    @Test
    void clientsThatAreNotBrowsersKeepWorking() {
        // curl, the MLflow clients and the SDK send no Origin and no Sec-Fetch-*.
        Reply created = post(
                "/api/2.0/mlflow/experiments/create", "{\"name\":\"from-curl\"}", "Content-Type", "application/json");
        assertEquals(200, created.status(), created.body());
        Reply deleted = post(
                "/api/2.0/mlflow/runs/delete",
                "{\"run_id\":\"" + runs.get(0) + "\"}",
                "Content-Type",
                "application/json");
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals("deleted", stage(runs.get(0)));
        assertEquals(200, fx.get("/api/v1/projects").status());
    }

    @Test
    void theDashboardsOwnSameOriginWritesWork() {
        String self = "http://127.0.0.1:" + fx.server.port();
        Reply renamed = fx.send(HttpRequest.newBuilder(URI.create(fx.server.url() + "/api/v1/runs/" + runs.get(0)))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"notes\":\"edited\"}"))
                .header("Content-Type", "application/json")
                .header("Origin", self)
                .header("Sec-Fetch-Site", "same-origin")
                .build());
        assertEquals(200, renamed.status(), renamed.body());
        assertEquals("edited", fx.get("/api/v1/runs/" + runs.get(0)).json().get("notes"));
        // Typed into the address bar or opened from a bookmark: Sec-Fetch-Site none.
        Reply none = post(
                "/api/2.0/mlflow/runs/delete",
                "{\"run_id\":\"" + runs.get(1) + "\"}",
                "Content-Type",
                "application/json",
                "Sec-Fetch-Site",
                "none");
        assertEquals(200, none.status(), none.body());
    }

    @Test
    void aForeignOriginMayGetButIsGrantedNoCorsSoItCannotRead() {
        // Reads are left to the browser: without an Access-Control-Allow-Origin grant a page on
        // another origin gets an opaque answer. Refusing them would also break plain links.
        Reply r = fx.send(HttpRequest.newBuilder(URI.create(fx.server.url() + "/api/v1/projects"))
                .header("Origin", EVIL)
                .header("Sec-Fetch-Site", "cross-site")
                .GET()
                .build());
        assertEquals(200, r.status(), r.body());
        for (String name : r.raw().headers().map().keySet()) {
            assertFalse(name.toLowerCase().startsWith("access-control-"), "sent " + name);
        }
        assertEquals(
                "same-origin",
                r.raw().headers().firstValue("Cross-Origin-Resource-Policy").orElse(null));
    }

    @Test
    void aHostThatIsNotOneOfTheServersNamesIsRefusedEvenForReads() throws Exception {
        int port = fx.server.port();
        for (String host : List.of(
                "evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port, "localhost.evil.example")) {
            for (String request : List.of(
                    "GET /api/v1/projects HTTP/1.1",
                    "GET / HTTP/1.1",
                    "GET /api/2.0/mlflow/experiments/search HTTP/1.1")) {
                String reply =
                        HardeningTest.raw(fx.server, request + "\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertTrue(reply.startsWith("HTTP/1.1 403"), host + " " + request + " -> " + reply);
                assertTrue(reply.contains("\"error_code\":\"PERMISSION_DENIED\""), reply);
                assertTrue(reply.contains(host.replaceAll(":\\d+$", "")) && reply.contains("--allowed-hosts"), reply);
                assertFalse(reply.contains("vision"), "a rebinding page read the project list: " + reply);
            }
        }
    }

    @Test
    void aMalformedHostIsABadRequest() throws Exception {
        String reply = HardeningTest.raw(
                fx.server, "GET /api/v1/projects HTTP/1.1\r\nHost: evil example:1\r\n" + "Connection: close\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        assertTrue(reply.contains("refused Host 'evil example:1': not a host name"), reply);
    }

    @Test
    void theServersOwnNamesAreAcceptedWithOrWithoutThePort() throws Exception {
        int port = fx.server.port();
        for (String host : List.of(
                "127.0.0.1:" + port,
                "127.0.0.1",
                "localhost:" + port,
                "LOCALHOST",
                "[::1]:" + port,
                "[::1]",
                "localhost.:" + port)) {
            String reply = HardeningTest.raw(
                    fx.server, "GET /api/v1/projects HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(reply.startsWith("HTTP/1.1 200"), host + " -> " + reply);
            assertTrue(reply.contains("vision"), reply);
        }
    }

    @Test
    void namesGivenInTheSettingsAreAccepted() throws Exception {
        ServerSettings settings =
                ServerSettings.local(0).withAllowedHosts(List.of("keel.lab.example", "*.corp.example"));
        try (KeelServer s = KeelServer.embedded(new KeelHome(dir.resolve("other")), settings)
                        .start();
                ServerFixture client = ServerFixture.client(s)) {
            for (String host : List.of(
                    "keel.lab.example",
                    "keel.lab.example:443",
                    "ml.corp.example:" + s.port(),
                    "localhost:" + s.port())) {
                String reply = HardeningTest.raw(
                        s, "GET /api/v1/projects HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertTrue(reply.startsWith("HTTP/1.1 200"), host + " -> " + reply);
            }
            for (String host : List.of("evil.example", "corp.example.evil.example", "keel.lab.example.evil")) {
                String reply = HardeningTest.raw(
                        s, "GET /api/v1/projects HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertTrue(reply.startsWith("HTTP/1.1 403"), host + " -> " + reply);
            }
            // Behind a proxy that keeps its own Host, the page's origin is the configured name.
            Reply proxied =
                    client.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/2.0/mlflow/experiments/create"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"via-proxy\"}"))
                            .header("Content-Type", "application/json")
                            .header("Origin", "https://keel.lab.example")
                            .build());
            assertEquals(200, proxied.status(), proxied.body());
            Reply evil = client.send(HttpRequest.newBuilder(URI.create(s.url() + "/api/2.0/mlflow/experiments/create"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"via-evil\"}"))
                    .header("Content-Type", "application/json")
                    .header("Origin", "https://keel.lab.example.evil")
                    .build());
            assertEquals(403, evil.status(), evil.body());
        }
    }
}
