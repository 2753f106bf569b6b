package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.core.store.StoreProvider;

import java.util.Optional;

/** Opens {@code sqlite:<path to keel.db>} locations as a {@link SqliteStore}. */
public final class SqliteStoreProvider implements StoreProvider {
    @Override
    public Optional<Store> open(String location) {
        if (location == null || !location.startsWith(SqlLocations.SQLITE)) {
            return Optional.empty();
        }
        return Optional.of(new SqliteStore(SqlLocations.sqlitePath(location)));
    }
}
