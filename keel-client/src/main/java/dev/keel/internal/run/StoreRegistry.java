package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One store per Keel folder per JVM, shared by every run in it and never closed before exit. */
final class StoreRegistry {
    private static final Map<Path, Store> STORES = new ConcurrentHashMap<>();

    private StoreRegistry() {}

    static Store get(KeelHome home) {
        return STORES.computeIfAbsent(home.root(), p -> Stores.open(home.storeLocation()));
    }
}
