package dev.keel.core.data;

import dev.keel.core.KeelException;

import java.util.ServiceLoader;

/** Opens a dataset store by location through the {@link DatasetStoreProvider}s on the class path. */
public final class DatasetStores {
    private DatasetStores() {}

    public static DatasetStore open(String location) {
        for (DatasetStoreProvider p :
                ServiceLoader.load(DatasetStoreProvider.class, DatasetStores.class.getClassLoader())) {
            var store = p.open(location);
            if (store.isPresent()) {
                return store.get();
            }
        }
        throw KeelException.invalid(
                "no dataset store handles '" + location
                        + "': use a .keel folder (embedded SQLite) or jdbc:postgresql://HOST[:PORT]/DB; is keel-store-sql on the class path?");
    }
}
