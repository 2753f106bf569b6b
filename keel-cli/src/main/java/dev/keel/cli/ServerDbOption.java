package dev.keel.cli;

import dev.keel.cli.server.DbLocation;
import dev.keel.core.KeelHome;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The {@code --db} (and {@code --home}) options of the commands that manage a team server's
 * users and teams directly in its database, so no server needs to run.
 */
final class ServerDbOption {
    @Option(
            names = "--db",
            paramLabel = "DB",
            description = "The server's database, as 'keel server --db' takes it: " + DbLocation.FORMS
                    + " (default: the embedded store of --home, $KEEL_HOME, the nearest .keel, or ~/.keel).")
    String db;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "The .keel folder whose embedded store to use when --db is not given.")
    Path home;

    String location() {
        if (db != null && !db.isBlank()) {
            return DbLocation.storeLocation(db.strip());
        }
        KeelHome keelHome = home != null ? new KeelHome(home) : KeelHome.resolve();
        return keelHome.ensureExists().storeLocation();
    }

    AccessStore open() {
        return AccessStores.open(location());
    }
}
