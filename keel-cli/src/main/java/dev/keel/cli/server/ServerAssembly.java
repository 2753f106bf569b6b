package dev.keel.cli.server;

import dev.keel.blob.s3.S3BlobStore;
import dev.keel.blob.s3.S3Options;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.BlobStores;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.KeelServer;
import dev.keel.server.http.HttpLimits;
import dev.keel.server.liveness.HeartbeatLiveness;
import dev.keel.server.ops.RequestLog;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code keel server} process from its {@link ServerConfig}: opens the run store,
 * the dataset store and the blob store by location, adds the request log and the access
 * control, and returns the server ready to start. The CLI command only parses and prints.
 */
public final class ServerAssembly {
    private ServerAssembly() {}

    /** The server, not started; it closes the stores it opened when it closes. */
    public static KeelServer build(ServerConfig config, PrintWriter log) {
        return builder(config, log).build();
    }

    /** The same, as a builder (tests and embedders add modules or listeners before building). */
    public static KeelServer.Builder builder(ServerConfig config, PrintWriter log) {
        HttpLimits.configure(config.requestTimeoutSeconds(), config.maxHeaderBytes());
        if (config.db() == null) {
            throw KeelException.invalid(
                    "no database: give --db " + DbLocation.FORMS + " (or set KEEL_DB, or 'db:' in the config file)");
        }
        String location = storeLocation(config.db());
        Path localHome = localHome(location);
        String blobs = config.blobs();
        if (blobs == null) {
            if (localHome == null) {
                throw KeelException.invalid("no blob store: give --blobs DIR or --blobs s3://bucket[/prefix]"
                        + " (or set KEEL_BLOBS, or 'blobs:' in the config file)");
            }
            blobs = new KeelHome(localHome).blobs().toString();
        }
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Store store = Stores.open(location);
            opened.add(store);
            BlobStore blobStore = openBlobs(blobs, config);
            if (blobStore instanceof AutoCloseable c) {
                opened.add(c);
            }
            DatasetStore datasets = openDatasets(location, log);
            if (datasets != null) {
                opened.add(datasets);
            }
            AccessStore accessStore = AccessStores.open(location);
            opened.add(accessStore);
            KeelServer.Builder builder = KeelServer.team(store, blobStore, datasets, accessStore, config.settings());
            if (localHome != null) {
                builder.liveness(HeartbeatLiveness.forEmbedded(new KeelHome(localHome)));
            }
            access(accessStore, config, log);
            if (config.requestLog()) {
                RequestLog requestLog = new RequestLog(line -> {
                    log.println(line);
                    log.flush();
                });
                builder.listener(requestLog).closeWithServer(requestLog);
            }
            opened.forEach(builder::closeWithServer);
            return builder;
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing; the first error is the one to report
                }
            }
            throw e;
        }
    }

    /**
     * {@code keel server} always signs callers in (users, teams, API keys from the database);
     * {@code keel ui} is the mode without sign-in. A server with no users yet can do nothing
     * useful, so it says how to make the first admin.
     */
    static void access(AccessStore accessStore, ServerConfig config, PrintWriter log) {
        if (accessStore.users().isEmpty()) {
            log.println(
                    "keel server: no users yet: create the first admin with 'keel server users add NAME --admin --db "
                            + config.db() + "' (it prints the API key once)");
        }
        if (config.settings().anonymousReads()) {
            log.println("keel server: anonymous callers may read public projects and datasets");
        }
    }

    /** {@code --db} as a store location; see {@link DbLocation}. */
    static String storeLocation(String db) {
        return DbLocation.storeLocation(db);
    }

    /** The Keel folder of a local SQLite store ({@code <folder>/keel.db}), else null. */
    static Path localHome(String location) {
        if (!location.startsWith("sqlite:")) {
            return null;
        }
        return Path.of(location.substring("sqlite:".length())).toAbsolutePath().getParent();
    }

    private static BlobStore openBlobs(String blobs, ServerConfig config) {
        if (blobs.startsWith("s3://")) {
            // Built here rather than by BlobStores.open so that the config file's s3.* settings apply.
            return new S3BlobStore(S3Options.fromLocation(blobs, config.s3Environment()));
        }
        return BlobStores.open(blobs);
    }

    private static DatasetStore openDatasets(String location, PrintWriter log) {
        try {
            return DatasetStores.open(location);
        } catch (KeelException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("no dataset store handles")) {
                log.println("keel server: no dataset store for this database yet: dataset routes will not work");
                return null;
            }
            throw e;
        }
    }
}
