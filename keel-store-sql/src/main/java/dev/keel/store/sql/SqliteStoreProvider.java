package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.store.StoreProvider;

import java.nio.file.Path;
import java.util.Optional;

/** Opens {@code sqlite:<path to keel.db>} locations as a {@link SqliteStore}. */
public final class SqliteStoreProvider implements StoreProvider {
    private static final String SCHEME = "sqlite:";

    @Override
    public Optional<Store> open(String location) {
        if (location == null || !location.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String path = location.substring(SCHEME.length());
        if (path.isBlank()) {
            throw KeelException.invalid("'" + location + "' names no file: write sqlite:/path/to/keel.db");
        }
        return Optional.of(new SqliteStore(Path.of(path)));
    }
}
