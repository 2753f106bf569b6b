package dev.keel.server.remote;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;
import dev.keel.store.sql.SweepStoreContractTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The sweep store contract over HTTP: remote stores (opened by their {@code http:} location, as
 * agents open them) talking to one real server on a fresh Keel folder. The server proposes with
 * its own search, which hands out the contract's grids as the contract's proposer does.
 */
class RemoteSweepStoreContractTest extends SweepStoreContractTest {
    @TempDir
    Path dir;

    private KeelServer server;

    @Override
    protected Store newStore() {
        server = KeelServer.embedded(new KeelHome(dir.resolve("server")), ServerSettings.local(0))
                .start();
        return Stores.open(server.url());
    }

    @Override
    protected Store openAgain() {
        return Stores.open(server.url());
    }

    @Override
    protected boolean keepsTheGivenOwner() {
        return false;
    }

    @AfterEach
    void stopServer() {
        server.close();
    }
}
