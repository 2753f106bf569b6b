package dev.keel.store.sql.data;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStoreProvider;

import java.nio.file.Path;
import java.util.Optional;

/** Handles {@code sqlite:<path to keel.db>} locations. */
public final class SqliteDatasetStoreProvider implements DatasetStoreProvider {
    @Override
    public Optional<DatasetStore> open(String location) {
        if (location == null || !location.startsWith("sqlite:")) {
            return Optional.empty();
        }
        return Optional.of(SqliteDatasetStore.open(Path.of(location.substring("sqlite:".length()))));
    }
}
