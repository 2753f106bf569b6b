package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --home} option every store-reading command shares. */
final class HomeOption {
    @Option(
            names = "--home",
            paramLabel = "DIR",
            description =
                    "The .keel folder to use (default: $KEEL_HOME, else the nearest .keel walking up, else ~/.keel).")
    Path home;

    StoreAccess access() {
        return StoreAccess.of(home);
    }
}
