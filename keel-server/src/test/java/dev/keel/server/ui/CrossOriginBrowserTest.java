package dev.keel.server.ui;

import com.sun.net.httpserver.HttpServer;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.server.http.RequestListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A web page on another origin attacks {@code keel ui} from a real headless Chromium: a
 * cross-site "simple" POST (no preflight) to delete experiments and runs, and a DNS-rebinding
 * read ({@code evil.example} resolving to 127.0.0.1, so the browser sends
 * {@code Host: evil.example:PORT} and treats the answers as its own). Neither may change or
 * read anything, while the dashboard's own page still can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossOriginBrowserTest {
    static final String EVIL = "evil.example";

    @TempDir
    static Path dir;

    KeelServer server;
    HttpServer attacker;
    Browser browser;
    final List<String> runs = new ArrayList<>();
    /** "METHOD path status" of every request the Keel server answered. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Browser.requireChromium();
        for (int i = 0; i < 3; i++) {
            try (Run run = Keel.init(RunOptions.builder()
                    .project("vision")
                    .name("secret-run-" + i)
                    .home(dir)
                    .systemMetrics(false)
                    .captureConsole(false)
                    .build())) {
                run.log(Map.of("loss", 1.0 / (i + 1)));
                runs.add(run.id());
            }
        }
        RequestListener log =
                (id, method, route, path, status, user, nanos) -> seen.add(method + " " + path + " " + status);
        server = KeelServer.embedded(new KeelHome(dir), ServerSettings.local(0), log)
                .start();
        attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        attacker.createContext("/attack.html", exchange -> {
            byte[] page = attackPage().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        attacker.start();
        // The attacker's name resolves to this machine, as a rebinding DNS server would make it.
        browser = Browser.start("--host-resolver-rules=MAP " + EVIL + " 127.0.0.1");
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (attacker != null) {
            attacker.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * The attacker's page: text/plain POSTs (what a form or fetch(no-cors) sends without a
     * preflight) for experiment ids 0..4, which are guessable, and for each run id, which it is
     * given so that the test is as strong as an attacker who learnt them; then a plain
     * cross-origin read of the runs.
     */
    private String attackPage() {
        StringBuilder ids = new StringBuilder();
        for (String run : runs) {
            ids.append(ids.length() == 0 ? "" : ",").append('"').append(run).append('"');
        }
        return "<!doctype html><html><body><script>\n"
                + "const target = 'http://127.0.0.1:" + server.port() + "';\n"
                + "const runs = [" + ids + "];\n"
                + "const post = (path, body) => fetch(target + path, {method: 'POST', mode: 'no-cors',\n"
                + "    headers: {'Content-Type': 'text/plain'}, body: JSON.stringify(body)}).catch(() => null);\n"
                + "(async () => {\n"
                + "  for (const id of runs) await post('/api/2.0/mlflow/runs/delete', {run_id: id});\n"
                + "  for (let e = 0; e < 5; e++) await post('/api/2.0/mlflow/experiments/delete', {experiment_id: String(e)});\n"
                + "  document.body.dataset.read = await fetch(target + '/api/v1/projects/vision/runs')\n"
                + "      .then(r => r.text(), e => 'failed: ' + e);\n"
                + "  document.body.dataset.done = 'true';\n"
                + "})();\n"
                + "</script></body></html>";
    }

    @Test
    void aPageOnAnotherOriginCannotDeleteExperimentsOrRuns() {
        browser.driver.get("http://" + EVIL + ":" + attacker.getAddress().getPort() + "/attack.html");
        browser.waitFor(d -> "true".equals(browser.attr("body", "data-done")), "the attack page's requests");
        // Every request reached the server (the browser only hides the answers from the page):
        // the server is what refused them.
        List<String> writes = seen.stream()
                .filter(s -> s.startsWith("POST /api/2.0/mlflow/") && s.contains("/delete "))
                .toList();
        assertEquals(runs.size() + 5, writes.size(), String.valueOf(seen));
        for (String w : writes) {
            assertTrue(w.endsWith(" 403"), "the server accepted " + w);
        }
        for (String id : runs) {
            Map<?, ?> info =
                    (Map<?, ?>) ((Map<?, ?>) mlflow("runs/get?run_id=" + id).get("run")).get("info");
            assertEquals("active", info.get("lifecycle_stage"), "the page on another origin deleted run " + id);
        }
        Map<?, ?> experiment = (Map<?, ?>)
                mlflow("experiments/get-by-name?experiment_name=vision").get("experiment");
        assertEquals("active", experiment.get("lifecycle_stage"), "the page on another origin deleted the experiment");
        // A cross-origin read is answered (a plain GET) but the browser keeps the answer from the
        // page: the server grants no CORS.
        String read = browser.attr("body", "data-read");
        assertTrue(read.startsWith("failed: TypeError"), "the page on another origin read the runs: " + read);
    }

    @Test
    void aRebindingPageCannotReadRuns() {
        // After rebinding, the attacker's script runs in the origin http://evil.example:PORT and its
        // same-origin requests reach the Keel server with Host: evil.example:PORT.
        String origin = "http://" + EVIL + ":" + server.port();
        browser.driver.get(origin + "/");
        Object answer = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];\n"
                + "const read = (path, init) => fetch(path, init).then(async r => r.status + ' ' + await r.text(),\n"
                + "    e => 'failed: ' + e);\n"
                + "(async () => {\n"
                + "  const out = [];\n"
                + "  out.push(await read('/api/v1/projects'));\n"
                + "  out.push(await read('/api/v1/projects/vision/runs'));\n"
                + "  out.push(await read('/api/2.0/mlflow/runs/search', {method: 'POST',\n"
                + "      headers: {'Content-Type': 'application/json'}, body: '{\"experiment_ids\":[\"0\",\"1\",\"2\"]}'}));\n"
                + "  done(out);\n"
                + "})();");
        @SuppressWarnings("unchecked")
        List<String> answers = (List<String>) answer;
        assertEquals(3, answers.size(), String.valueOf(answers));
        for (String a : answers) {
            assertTrue(a.startsWith("403 "), "a rebinding page got an answer: " + a);
            assertTrue(a.contains("--allowed-hosts"), a);
        }
        String stolen = String.join("\n", answers) + browser.driver.getPageSource();
        for (String id : runs) {
            assertFalse(stolen.contains(id), "the rebinding page read run " + id);
        }
        assertFalse(stolen.contains("secret-run-"), "the rebinding page read run names");
    }

    @Test
    void theDashboardsOwnPageStillWrites() {
        browser.driver.get(server.url() + "/");
        Object status = browser.driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];\n"
                        + "fetch('/api/v1/runs/" + runs.get(2)
                        + "', {method: 'PATCH', headers: {'Content-Type': 'application/json'},\n"
                        + "    body: '{\"notes\":\"edited by the dashboard\"}'}).then(r => done(r.status), e => done('failed: ' + e));");
        assertEquals(200L, status);
        assertEquals(
                "edited by the dashboard",
                server.context().store().run(runs.get(2)).orElseThrow().notes());
    }

    /** An MLflow GET as a client that is not a browser sends it. */
    private Map<String, Object> mlflow(String pathAndQuery) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/api/2.0/mlflow/" + pathAndQuery))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return Json.readMap(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
