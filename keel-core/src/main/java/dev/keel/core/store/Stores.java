package dev.keel.core.store;

import dev.keel.core.KeelException;

import java.util.ServiceLoader;

/** Opens a store by location through the {@link StoreProvider}s on the class path. */
public final class Stores {
    private Stores() {}

    public static Store open(String location) {
        for (StoreProvider provider : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
            var store = provider.open(location);
            if (store.isPresent()) {
                return store.get();
            }
        }
        throw KeelException.invalid("no store handles '" + location
                + "': use a .keel folder (embedded SQLite); is keel-store-sql on the class path?");
    }
}
