package dev.keel.internal.run;

import dev.keel.Models;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.Registration;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.internal.remote.RemoteMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The SDK's side of the model registry: with {@code KEEL_URL} (and not {@code KEEL_MODE=offline})
 * the server's, as runs upload there; else the embedded store of a Keel folder (the one its runs
 * share, never closed here) and its blob folder.
 */
public final class ModelsImpl implements Models {
    private final KeelHome home;
    private final boolean serverFirst;

    private ModelsImpl(KeelHome home, boolean serverFirst) {
        this.home = home;
        this.serverFirst = serverFirst;
    }

    /** The registry of the Keel folder {@code home}, whatever KEEL_URL says. */
    public static Models of(KeelHome home) {
        return new ModelsImpl(home, false);
    }

    /** The server's registry when KEEL_URL is set (and KEEL_MODE is not offline), else that of {@code home}. */
    public static Models byDefault(KeelHome home) {
        return new ModelsImpl(home, true);
    }

    @Override
    public String pull(String ref, Path dir) {
        RemoteMode remote = RemoteMode.of(null);
        if (serverFirst && remote.sending()) {
            try (Store server = Stores.open(remote.url())) {
                return new ModelRegistry(server, null, null).pull(ref, dir).ref();
            }
        }
        if (!Files.exists(home.database())) {
            throw KeelException.notFound("no Keel store at " + home.database() + ": no model was registered there;"
                    + " point KEEL_HOME at the .keel folder that holds your models");
        }
        return withRegistry(home, r -> r.pull(ref, dir).ref());
    }

    /** Registers what {@code what} selects of a run recorded in {@code home}; returns NAME:vN. */
    static String register(KeelHome home, String name, Registration what) {
        return withRegistry(home, r -> r.register(name, what).ref());
    }

    /** Registers on a server, which reads the run's files itself; returns NAME:vN. */
    static String registerOn(Store server, String name, Registration what) {
        return new ModelRegistry(server, null, null).register(name, what).ref();
    }

    private static <T> T withRegistry(KeelHome home, Function<ModelRegistry, T> work) {
        Store store = StoreRegistry.get(home);
        try (DatasetStore datasets = DatasetStores.open(home.storeLocation())) {
            return work.apply(new ModelRegistry(store, new LocalBlobStore(home.blobs()), datasets));
        }
    }
}
