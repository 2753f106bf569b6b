package dev.keel.store.sql;

import dev.keel.core.store.Store;
import dev.keel.core.store.StoreProvider;

import java.util.Optional;

/** Opens {@code jdbc:postgresql://HOST[:PORT]/DATABASE} locations as a {@link PostgresStore}. */
public final class PostgresStoreProvider implements StoreProvider {

    @Override
    public Optional<Store> open(String location) {
        if (location == null || !location.startsWith(PgUrl.SCHEME)) {
            return Optional.empty();
        }
        return Optional.of(new PostgresStore(location));
    }
}
