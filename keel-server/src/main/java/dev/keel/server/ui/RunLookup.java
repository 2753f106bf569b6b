package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;

/** The one "run or 404" lookup the dashboard's routes share. */
final class RunLookup {
    private RunLookup() {}

    static RunInfo require(Store store, String id) {
        return store.run(id).orElseThrow(() -> KeelException.notFound("run " + id + " does not exist"));
    }
}
