package dev.keel.store.sql;

import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStoreProvider;

import java.util.Optional;

/** Opens {@code jdbc:postgresql://HOST[:PORT]/DATABASE} locations as a {@link PostgresDatasetStore}. */
public final class PostgresDatasetStoreProvider implements DatasetStoreProvider {

    @Override
    public Optional<DatasetStore> open(String location) {
        if (location == null || !location.startsWith(PgUrl.SCHEME)) {
            return Optional.empty();
        }
        return Optional.of(new PostgresDatasetStore(location));
    }
}
