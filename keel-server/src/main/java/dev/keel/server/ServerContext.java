package dev.keel.server;

import dev.keel.core.RunInfo;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.store.Store;
import dev.keel.server.auth.Authorizer;

import java.util.function.UnaryOperator;

/**
 * What every API handler needs: the stores behind the server and the authorizer. One per
 * server process; the server itself keeps no state of its own, so several processes over the
 * same database and bucket serve the same data.
 *
 * @param liveness maps a stored run to what readers should see (e.g. {@code crashed} for a
 *                 running run whose process is gone); identity when the server cannot tell
 */
public record ServerContext(
        Store store,
        BlobStore blobs,
        DatasetStore datasets,
        Authorizer authorizer,
        UnaryOperator<RunInfo> liveness,
        ServerSettings settings) {}
