package dev.keel.internal.remote;

import dev.keel.core.store.Store;
import dev.keel.core.store.StoreProvider;

import java.util.Optional;

/** Opens a {@link RemoteStore} for {@code http://…} and {@code https://…} locations. */
public final class RemoteStoreProvider implements StoreProvider {
    @Override
    public Optional<Store> open(String location) {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            return Optional.of(new RemoteStore(location, Credentials.apiKey(location)));
        }
        return Optional.empty();
    }
}
