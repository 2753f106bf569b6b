package dev.keel.cli.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens the embedded store for CLI commands, with errors that name the path and the fix.
 * Readers never create a store: where none exists yet they see no runs.
 */
public final class StoreAccess {
    private final KeelHome home;

    public StoreAccess(KeelHome home) {
        this.home = home;
    }

    /** {@code --home} when given, else {@code KEEL_HOME}, the nearest {@code .keel}, or {@code ~/.keel}. */
    public static StoreAccess of(Path homeOption) {
        return new StoreAccess(homeOption != null ? new KeelHome(homeOption) : KeelHome.resolve());
    }

    public KeelHome home() {
        return home;
    }

    /** The store when one exists at the home, empty when nothing was recorded there yet. */
    public Optional<Store> openIfExists() {
        Path db = home.database();
        if (!Files.exists(db)) {
            return Optional.empty();
        }
        return Optional.of(open());
    }

    /** The store; fails with a clear message when there is none or it cannot be opened. */
    public Store openExisting() {
        return openIfExists().orElseThrow(() -> KeelException.notFound("no Keel store at " + home.database()
                + ": nothing was recorded there yet (run './keel demo' or a training program), or point"
                + " KEEL_HOME (or --home) at the .keel folder that holds your runs"));
    }

    private Store open() {
        Path db = home.database();
        if (!Files.isReadable(db)) {
            throw new KeelException(KeelException.ErrorCode.STORAGE_FAILURE, "cannot read the Keel store " + db
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
                    : "the folder or file is read-only: make " + home.root() + " writable (chmod -R u+w "
                    + home.root() + ") or point KEEL_HOME at a writable copy";
            throw new KeelException(KeelException.ErrorCode.STORAGE_FAILURE, "cannot open the Keel store " + db
                    + " (" + e.getMessage() + "): " + fix, e);
        }
    }
}
