package dev.keel.store.sql;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStoreProvider;

import java.util.Optional;

/** Opens {@code sqlite:PATH} and {@code jdbc:postgresql:} locations as a {@link SqlDatasetStore}. */
public final class SqlDatasetStoreProvider implements DatasetStoreProvider {
    @Override
    public Optional<DatasetStore> open(String location) {
        return SqlDatasetStore.open(location);
    }
}
