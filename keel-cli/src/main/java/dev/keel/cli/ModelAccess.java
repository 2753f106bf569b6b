package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.store.Store;

/**
 * Opens the model registry for {@code keel model …}: with {@code KEEL_URL}, the server's; else
 * the run store of a Keel folder, the blob folder that holds the run files' bytes, and the
 * dataset tables for lineage.
 */
final class ModelAccess implements AutoCloseable {
    private final Store store;
    private final DatasetStore datasets;
    private final ModelRegistry registry;

    private ModelAccess(Store store, DatasetStore datasets, ModelRegistry registry) {
        this.store = store;
        this.datasets = datasets;
        this.registry = registry;
    }

    static ModelAccess open(StoreAccess access) {
        if (access.remote()) {
            // the server reads runs and bytes itself (ServedModelStore)
            Store remote = access.openExisting();
            return new ModelAccess(remote, null, new ModelRegistry(remote, null, null));
        }
        Store store = access.openExisting();
        DatasetStore datasets = DatasetStores.open(access.home().storeLocation());
        return new ModelAccess(
                store,
                datasets,
                new ModelRegistry(store, new LocalBlobStore(access.home().blobs()), datasets));
    }

    ModelRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        try {
            if (datasets != null) {
                datasets.close();
            }
        } finally {
            store.close();
        }
    }
}
