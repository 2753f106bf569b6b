package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/** One store per Keel folder per JVM, shared by every run in it and never closed before exit. */
final class StoreRegistry {
    private static final Map<Path, Store> STORES = new ConcurrentHashMap<>();

    private StoreRegistry() {}

    static Store get(KeelHome home) {
        return STORES.computeIfAbsent(home.root(), p -> Stores.open(home.storeLocation()));
    }

    /**
     * The folder's store, opened on {@code executor} when this JVM has not opened it yet: in a
     * fresh JVM, loading the database driver and its native library is most of what creating a
     * run costs, and the caller has other work to do meanwhile. {@link #join} waits for it.
     */
    static CompletableFuture<Store> opening(KeelHome home, Executor executor) {
        Store open = STORES.get(home.root());
        if (open != null) {
            return CompletableFuture.completedFuture(open);
        }
        return CompletableFuture.supplyAsync(() -> get(home), executor);
    }

    /** The store {@link #opening} opens, or the exception opening it threw, as it was thrown. */
    static Store join(CompletableFuture<Store> opening) {
        try {
            return opening.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
