package dev.keel.server;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import dev.keel.core.access.Accounts;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.data.Visibility;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerFixture.Reply;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real team server on a temporary SQLite store with four users: {@code owner} and
 * {@code member} (team {@code vision}), {@code other} (team {@code nlp}) and {@code admin}.
 * Makes projects, runs and datasets owned by {@code owner} with a given visibility, and sends
 * requests as any of them (or anonymously) with their bearer keys.
 */
public final class TeamServerFixture implements AutoCloseable {
    public final KeelHome home;
    public final Store store;
    public final DatasetStore datasets;
    public final AccessStore access;
    public final Accounts accounts;
    public final KeelServer server;
    public final Map<String, String> keys;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger counter = new AtomicInteger();

    public TeamServerFixture(Path dir, boolean anonymousReads) {
        this(dir, ServerSettings.local(0).withAnonymousReads(anonymousReads));
    }

    /** The same server with these settings (a default visibility for new projects…). */
    public TeamServerFixture(Path dir, ServerSettings settings) {
        this.home = new KeelHome(dir).ensureExists();
        this.store = Stores.open(home.storeLocation());
        this.datasets = DatasetStores.open(home.storeLocation());
        this.access = AccessStores.open(home.storeLocation());
        this.accounts = new Accounts(access);
        this.keys = Map.of(
                "owner",
                        accounts.createUser("owner", false, List.of("vision"), null)
                                .key(),
                "member",
                        accounts.createUser("member", false, List.of("vision"), null)
                                .key(),
                "other",
                        accounts.createUser("other", false, List.of("nlp"), null)
                                .key(),
                "admin", accounts.createUser("admin", true, List.of(), null).key());
        this.server = KeelServer.team(store, new LocalBlobStore(home.blobs()), datasets, access, settings)
                .closeWithServer(store)
                .closeWithServer(datasets)
                .closeWithServer(access)
                .build()
                .start();
    }

    /** A new number, for names that must not repeat. */
    public int next() {
        return counter.incrementAndGet();
    }

    /** A new project owned by {@code owner} with one finished run that logged {@code loss}; returns the run id. */
    public String projectWithRun(String project, String owner, Visibility visibility) {
        access.claimProject(project, owner, visibility, 1);
        String id = "r" + Integer.toString(next(), 36) + "x" + Integer.toString(project.hashCode() & 0xfff, 36);
        store.createRun(
                new RunInfo(
                        id,
                        project,
                        "run-" + id,
                        "",
                        owner,
                        List.of(),
                        "",
                        RunState.RUNNING,
                        1000,
                        1000,
                        0,
                        0,
                        "",
                        "host",
                        1,
                        Map.of("lr", 0.1),
                        Map.of()),
                Map.of());
        WriteBatch b = new WriteBatch();
        b.metrics.add("loss", 0, 1000, 0.5);
        b.state = RunState.FINISHED;
        store.apply(id, b);
        return id;
    }

    public void dataset(String name, String owner, Visibility visibility) {
        datasets.saveDataset(name, owner, "", visibility, 1);
    }

    /** Sends a request as {@code user} (null: anonymous) with a JSON body (null: none). */
    public Reply send(String user, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (user != null) {
            b.header("Authorization", "Bearer " + keys.get(user));
        }
        return send(b.build());
    }

    public Reply send(HttpRequest request) {
        return ServerFixture.exchange(http, request);
    }

    @Override
    public void close() {
        server.close();
    }
}
