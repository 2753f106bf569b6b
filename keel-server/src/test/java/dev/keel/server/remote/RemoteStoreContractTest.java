package dev.keel.server.remote;

import dev.keel.core.blob.Hashes;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.ServerFixture;
import dev.keel.store.sql.StoreContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Store contract over HTTP: the remote store (opened by its {@code http:} location, as the
 * SDK and CLI open it) talking to a real server on a fresh Keel folder.
 */
class RemoteStoreContractTest extends StoreContractTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ServerFixture server;

    @Override
    protected Store newStore() {
        server = new ServerFixture(dir.resolve("server"));
        return Stores.open(server.url());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** The server reads request bodies with the same JSON limits as the store's readers. */
    @Override
    protected boolean acceptsJsonItsReadersRefuse() {
        return false;
    }

    /** The server keeps that record; its clients ask it whether it holds a content, per run. */
    @Override
    protected boolean recordsContentHolders() {
        return false;
    }

    /** The bytes go up first, as the SDK sends them before a batch lists the file. */
    @Override
    protected String content(String runId, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        String hash = Hashes.of(bytes);
        HttpResponse<String> reply = http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/api/v1/runs/" + runId + "/blobs/" + hash))
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(2, reply.statusCode() / 100, reply.body());
        return hash;
    }
}
