package dev.keel.server;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.Accounts;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.api.ApiModule;
import dev.keel.server.api.DatasetBlobsApi;
import dev.keel.server.api.DatasetsApi;
import dev.keel.server.api.FlowApi;
import dev.keel.server.api.HealthApi;
import dev.keel.server.api.ModelsApi;
import dev.keel.server.api.ProjectAccessApi;
import dev.keel.server.api.RunsReadApi;
import dev.keel.server.api.RunsWriteApi;
import dev.keel.server.api.SessionApi;
import dev.keel.server.api.SweepsApi;
import dev.keel.server.api.UsersApi;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.auth.Authenticator;
import dev.keel.server.auth.Authorizer;
import dev.keel.server.auth.OpenAccess;
import dev.keel.server.auth.TeamAuthenticator;
import dev.keel.server.auth.TeamAuthorizer;
import dev.keel.server.http.HttpFront;
import dev.keel.server.http.OriginGuard;
import dev.keel.server.http.RequestListener;
import dev.keel.server.http.Route;
import dev.keel.server.http.Router;
import dev.keel.server.liveness.HeartbeatLiveness;
import dev.keel.server.mlflow.MlflowApi;
import dev.keel.server.openapi.OpenApiModule;
import dev.keel.server.ops.MeteredStore;
import dev.keel.server.ops.MetricsApi;
import dev.keel.server.ops.ServerMetrics;
import dev.keel.server.ui.DashboardModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A Keel server: the REST API over a run store, a dataset store and a blob store. {@code keel ui}
 * runs one on the embedded store bound to 127.0.0.1; {@code keel server} runs one (or several,
 * behind a load balancer) on PostgreSQL and an S3 bucket. It keeps no state of its own.
 *
 * <pre>{@code
 * try (KeelServer server = KeelServer.embedded(KeelHome.resolve(), ServerSettings.local(7080)).start()) {
 *     System.out.println("serving on " + server.url());
 * }
 * }</pre>
 */
public final class KeelServer implements AutoCloseable {
    private final ServerContext context;
    private final Router router;
    private final List<AutoCloseable> owned;
    private final ServerMetrics metrics = new ServerMetrics();
    private HttpFront front;

    private KeelServer(Builder b) {
        Authorizer authorizer = b.authorizer;
        // Every write through the context's store is counted for /metrics (ingest rate).
        Store store = MeteredStore.wrap(b.store, metrics);
        this.context = new ServerContext(store, b.blobs, b.datasets, authorizer, b.liveness, b.settings);
        this.router = new Router(b.authenticator, new AccessRules(authorizer, store), b.settings.maxBodyBytes());
        this.owned = List.copyOf(b.owned);
        router.guard(new OriginGuard(b.settings.allowedHosts()));
        router.listen(metrics);
        b.listeners.forEach(router::listen);
        for (ApiModule module : modules(b.extra, metrics)) {
            module.register(router, context);
        }
    }

    /** The server's route groups, in the order their routes are matched. */
    private static List<ApiModule> modules(List<ApiModule> extra, ServerMetrics metrics) {
        List<ApiModule> all = new ArrayList<>();
        all.add(new HealthApi());
        all.add(new MetricsApi(metrics));
        all.add(new OpenApiModule());
        all.add(new RunsReadApi());
        all.add(new DatasetsApi());
        all.add(new DatasetBlobsApi());
        all.add(new MlflowApi());
        all.add(new RunsWriteApi());
        all.add(new SweepsApi());
        all.add(new FlowApi());
        all.add(new ModelsApi());
        all.addAll(extra);
        all.add(new DashboardModule());
        return all;
    }

    /** A server for one person over the embedded store at {@code home} (what {@code keel ui} runs). */
    public static KeelServer embedded(KeelHome home, ServerSettings settings) {
        return embedded(home, settings, new RequestListener[0]);
    }

    /** The same, with listeners told about every request (a request log); closeable ones close with the server. */
    public static KeelServer embedded(KeelHome home, ServerSettings settings, RequestListener... listeners) {
        home.ensureExists();
        Store store = Stores.open(home.storeLocation());
        DatasetStore datasets = DatasetStores.open(home.storeLocation());
        LocalBlobStore blobs = new LocalBlobStore(home.blobs());
        OpenAccess open = new OpenAccess(System.getProperty("user.name", "local"));
        Builder b = builder()
                .store(store)
                .datasets(datasets)
                .blobs(blobs)
                .access(open, open)
                .module(SessionApi.local())
                .liveness(HeartbeatLiveness.forEmbedded(home))
                .settings(settings)
                .closeWithServer(store)
                .closeWithServer(datasets);
        for (RequestListener l : listeners) {
            b.listener(l);
            if (l instanceof AutoCloseable c) {
                b.closeWithServer(c);
            }
        }
        return b.build();
    }

    /**
     * A team server: users sign in with API keys (or a web session), and every project and dataset
     * is private, team or public (see {@link TeamAuthorizer}). Returns the builder, so the caller
     * may add what it owns (listeners, liveness, stores to close) before {@code build().start()}.
     *
     * <pre>{@code
     * Store store = Stores.open(url);
     * try (AccessStore access = AccessStores.open(url);
     *      KeelServer server = KeelServer.team(store, blobs, datasets, access, settings)
     *              .closeWithServer(store).build().start()) { … }
     * }</pre>
     *
     * @param datasets may be null when the server has no dataset store (dataset writes are then denied)
     */
    public static Builder team(
            Store store, BlobStore blobs, DatasetStore datasets, AccessStore access, ServerSettings settings) {
        Accounts accounts = new Accounts(access);
        return builder()
                .store(store)
                .blobs(blobs)
                .datasets(datasets)
                .access(
                        new TeamAuthenticator(accounts),
                        new TeamAuthorizer(
                                access, store, datasets, settings.anonymousReads(), settings.defaultVisibility()))
                .settings(settings)
                .module(new SessionApi(accounts))
                .module(new UsersApi(accounts))
                .module(new ProjectAccessApi(accounts));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts listening; returns this server. */
    public KeelServer start() {
        try {
            front = HttpFront.start(
                    context.settings().host(),
                    context.settings().port(),
                    context.settings().threads(),
                    router);
            metrics.pool(front.executor());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on " + context.settings().host() + ":"
                            + context.settings().port() + " (" + e.getMessage() + "): pick another port with --port",
                    e);
        }
    }

    public int port() {
        return front.port();
    }

    /** {@code http://host:port}, without a trailing slash. */
    public String url() {
        return "http://" + context.settings().host() + ":" + port();
    }

    public List<Route> routes() {
        return router.routes();
    }

    public ServerContext context() {
        return context;
    }

    /** This process's metrics, as {@code /metrics} shows them; modules may add their own. */
    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        stop(0);
    }

    /**
     * Stops accepting connections, lets requests in flight finish for up to {@code graceSeconds},
     * then closes the stores the server owns ({@code keel server} on SIGTERM).
     */
    public void stop(int graceSeconds) {
        if (front != null) {
            front.stop(graceSeconds);
        }
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing is best effort on the way out.
            }
        }
    }

    /** Assembles a server from its parts; store and blobs are required. */
    public static final class Builder {
        private Store store;
        private BlobStore blobs;
        private DatasetStore datasets;
        private Authenticator authenticator;
        private Authorizer authorizer;
        private UnaryOperator<RunInfo> liveness;
        private ServerSettings settings = ServerSettings.local(0);
        private final List<ApiModule> extra = new ArrayList<>();
        private final List<RequestListener> listeners = new ArrayList<>();
        private final List<AutoCloseable> owned = new ArrayList<>();

        public Builder store(Store s) {
            this.store = s;
            return this;
        }

        public Builder blobs(BlobStore b) {
            this.blobs = b;
            return this;
        }

        public Builder datasets(DatasetStore d) {
            this.datasets = d;
            return this;
        }

        public Builder access(Authenticator authn, Authorizer authz) {
            this.authenticator = authn;
            this.authorizer = authz;
            return this;
        }

        public Builder liveness(UnaryOperator<RunInfo> l) {
            this.liveness = l;
            return this;
        }

        public Builder settings(ServerSettings s) {
            this.settings = s;
            return this;
        }

        public Builder module(ApiModule m) {
            extra.add(m);
            return this;
        }

        public Builder listener(RequestListener l) {
            listeners.add(l);
            return this;
        }

        /** Closes {@code c} when the server closes (stores the server opened itself). */
        public Builder closeWithServer(AutoCloseable c) {
            owned.add(c);
            return this;
        }

        public KeelServer build() {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(blobs, "blobs");
            if (liveness == null) {
                liveness = HeartbeatLiveness.fromEnvironment();
            }
            if (authenticator == null) {
                OpenAccess open = new OpenAccess(System.getProperty("user.name", "local"));
                authenticator = open;
                authorizer = open;
            }
            return new KeelServer(this);
        }
    }
}
