package dev.keel.cli;

import com.sun.net.httpserver.HttpServer;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.data.DataRemote;
import dev.keel.data.Datasets;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three callers of a Keel server (the SDK's remote store, dataset push/pull, {@code keel
 * login}) share one client: an answer from something that is not Keel (a proxy's 502, a web
 * server's 404 page) is reported as such by each, and a real server's errors keep their codes.
 */
class ServerClientErrorsTest {
    private static final String PAGE = "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>"
            + "502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

    @TempDir
    Path dir;

    /** Answers every request with {@code status} and {@code body}, as a proxy or another web server would. */
    private static HttpServer impostor(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String notKeel(String url, int status) {
        return "the server at " + url + " answered " + status + " from something that is not Keel: ";
    }

    @Test
    void theRemoteStoreReportsAnAnswerThatIsNotKeel() throws Exception {
        for (int status : new int[] {502, 404, 200}) {
            HttpServer proxy = impostor(status, PAGE);
            try (Store remote = Stores.open(url(proxy))) {
                String expected = notKeel(url(proxy), status) + "<html><head><title>502 Bad Gateway</title>";
                assertMessage(expected, () -> remote.run("6v8m5w0s"));
                if (status != 200) {
                    assertMessage(expected, () -> remote.apply("6v8m5w0s", new WriteBatch()));
                }
            } finally {
                proxy.stop(0);
            }
        }
    }

    @Test
    void aProxysGatewayErrorIsTemporaryAndItsNotFoundIsNoMissingRun() throws Exception {
        HttpServer gateway = impostor(502, PAGE);
        HttpServer pages = impostor(404, "<html>Not Found</html>");
        try (Store down = Stores.open(url(gateway));
                Store elsewhere = Stores.open(url(pages))) {
            assertEquals(
                    ErrorCode.TEMPORARILY_UNAVAILABLE,
                    assertThrows(KeelException.class, () -> down.run("6v8m5w0s"))
                            .code());
            KeelException e = assertThrows(KeelException.class, () -> elsewhere.run("6v8m5w0s"));
            assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, e.code(), "a web server's 404 page says nothing about the run");
        } finally {
            gateway.stop(0);
            pages.stop(0);
        }
    }

    @Test
    void dataPushAndPullReportAnAnswerThatIsNotKeel() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "a");
        Cli laptop = new Cli(dir.resolve("laptop"));
        assertEquals(0, laptop.run("data", "add", "shapes", src.toString()).code());
        for (int status : new int[] {502, 404}) {
            HttpServer proxy = impostor(status, PAGE);
            try {
                Cli.Result push = laptop.run("data", "push", "shapes", url(proxy));
                assertEquals(1, push.code(), push.err());
                assertTrue(push.err().contains(notKeel(url(proxy), status) + "<html>"), push.err());
                Cli.Result pull = laptop.run("data", "pull", "shapes", url(proxy));
                assertEquals(1, pull.code(), pull.err());
                assertTrue(pull.err().contains(notKeel(url(proxy), status) + "<html>"), pull.err());
            } finally {
                proxy.stop(0);
            }
        }
    }

    @Test
    void loginReportsAnAnswerThatIsNotKeel() throws Exception {
        for (int status : new int[] {502, 404, 200}) {
            HttpServer proxy = impostor(status, PAGE);
            try {
                Path credentials = dir.resolve("credentials-" + status + ".json");
                Cli.Result r = Cli.execute(
                        "", "login", url(proxy), "--key", "keel_k", "--credentials", credentials.toString());
                assertEquals(1, r.code(), r.err());
                assertTrue(r.err().contains(notKeel(url(proxy), status) + "<html>"), r.err());
                assertTrue(r.err().contains("nothing was saved"), r.err());
                assertFalse(Files.exists(credentials));
            } finally {
                proxy.stop(0);
            }
        }
    }

    @Test
    void aKeelServersErrorsKeepTheirCodes() throws Exception {
        try (ServerFixture server = new ServerFixture(dir.resolve("server"));
                Store remote = Stores.open(server.url());
                Datasets data = Datasets.open(new KeelHome(dir.resolve("laptop")))) {
            assertEquals(Optional.empty(), remote.run("6v8m5w0s"), "the server's 404 means no such run");
            assertEquals(
                    Optional.empty(),
                    remote.experiments(),
                    "MLflow clients talk to the server, not through a remote store");
            KeelException missing = assertThrows(KeelException.class, () -> remote.deleteRun("6v8m5w0s"));
            assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.code());
            RunInfo run = new RunInfo(
                    "6v8m5w0s",
                    "p",
                    "bold-fox-1",
                    "",
                    "ada",
                    List.of(),
                    "",
                    RunState.RUNNING,
                    1_000,
                    1_000,
                    0,
                    0,
                    "",
                    "h",
                    1,
                    Map.of(),
                    Map.of());
            remote.createRun(run, Map.of());
            KeelException twice = assertThrows(KeelException.class, () -> remote.createRun(run, Map.of()));
            assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, twice.code());
            assertFalse(twice.getMessage().contains("not Keel"), twice.getMessage());

            KeelException noDataset = assertThrows(
                    KeelException.class, () -> data.pull("nothing:v1", DataRemote.connect(server.url(), null)));
            assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, noDataset.code(), noDataset.getMessage());
            assertFalse(noDataset.getMessage().contains("not Keel"), noDataset.getMessage());
        }
    }

    private static void assertMessage(String start, Executable call) {
        KeelException e = assertThrows(KeelException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
