package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the store for CLI commands, with errors that name the path and the fix: the server's
 * when {@code KEEL_URL} is set (unless {@code KEEL_MODE=offline}), else the embedded store. Readers never create a store: where none exists yet
 * they see no runs. The local folder ({@link #home()}) stays this machine's: run folders,
 * event logs and locks live there in both cases.
 */
public final class StoreAccess {
    private final KeelHome home;
    private final String server;

    public StoreAccess(KeelHome home) {
        this(home, null);
    }

    public StoreAccess(KeelHome home, String server) {
        this.home = home;
        this.server = server;
    }

    /** {@code --home} when given, else {@code KEEL_HOME}, the nearest {@code .keel}, or {@code ~/.keel}. */
    public static StoreAccess of(Path homeOption) {
        return new StoreAccess(
                homeOption != null ? new KeelHome(homeOption) : KeelHome.resolve(), serverFromEnvironment());
    }

    /**
     * {@code KEEL_URL} (or the system property {@code keel.url}) unless {@code KEEL_MODE=offline};
     * null when runs are read locally.
     */
    public static String serverFromEnvironment() {
        String url = System.getenv("KEEL_URL");
        if (url == null || url.isBlank()) {
            url = System.getProperty("keel.url");
        }
        if (url == null || url.isBlank() || "offline".equalsIgnoreCase(System.getenv("KEEL_MODE"))) {
            return null;
        }
        return url.trim();
    }

    public KeelHome home() {
        return home;
    }

    /** True when runs are read from a server. */
    public boolean remote() {
        return server != null;
    }

    /** Where runs are read from, for messages: the server's URL or the local database. */
    public String where() {
        return server != null ? server : home.database().toString();
    }

    /** The store when one exists at the home, empty when nothing was recorded there yet. */
    public Optional<Store> openIfExists() {
        if (server != null) {
            return Optional.of(Stores.open(server));
        }
        return openLocalIfExists();
    }

    /** The embedded store of {@link #home()}, whatever KEEL_URL says (what {@code keel sync} reads). */
    public Optional<Store> openLocalIfExists() {
        Path db = home.database();
        if (!Files.exists(db)) {
            return Optional.empty();
        }
        return Optional.of(open());
    }

    /** The store; fails with a clear message when there is none or it cannot be opened. */
    public Store openExisting() {
        return openIfExists()
                .orElseThrow(() -> KeelException.notFound("no Keel store at " + home.database()
                        + ": nothing was recorded there yet (run './keel demo' or a training program), or point"
                        + " KEEL_HOME (or --home) at the .keel folder that holds your runs"));
    }

    private Store open() {
        Path db = home.database();
        if (!Files.isReadable(db)) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot read the Keel store " + db
                            + ": the file is not readable by this user; fix its permissions (chmod u+rw " + db
                            + ") or point KEEL_HOME at another .keel folder");
        }
        try {
            return Stores.open(home.storeLocation());
        } catch (KeelException e) {
            // The store's own messages already name the file and the fix.
            throw e;
        } catch (RuntimeException e) {
            String fix = Files.isWritable(home.root()) && Files.isWritable(db)
                    ? "check that it is a Keel database and not damaged (a copy can be inspected with sqlite3)"
                    : "the folder or file is read-only: make " + home.root() + " writable (chmod -R u+w " + home.root()
                            + ") or point KEEL_HOME at a writable copy";
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot open the Keel store " + db + " (" + e.getMessage() + "): " + fix,
                    e);
        }
    }
}
