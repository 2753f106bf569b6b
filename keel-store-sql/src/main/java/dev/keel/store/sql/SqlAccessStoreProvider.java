package dev.keel.store.sql;

import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStoreProvider;

import java.util.Optional;

/** Opens {@code sqlite:} and {@code jdbc:postgresql:} locations as a {@link SqlAccessStore}. */
public final class SqlAccessStoreProvider implements AccessStoreProvider {
    @Override
    public Optional<AccessStore> open(String location) {
        return SqlAccessStore.open(location);
    }
}
