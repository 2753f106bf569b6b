package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.cli.view.DataResults;
import dev.keel.data.CheckoutResult;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keel data checkout REF DIR}. */
@Command(
        name = "checkout",
        mixinStandardHelpOptions = true,
        description = {
            "Materialises a version in DIR as independent files (editing one changes nothing stored).",
            "Files of 128 KiB or more are copy-on-write clones of the local cache where the file system makes them"
                    + " (blocks shared until edited); the others are copies.",
            "With --link hardlink: read-only hard links to the local cache (no second copy on disk; see its risk).",
            "Only missing or different files are written; a damaged file is refused."
        })
final class DataCheckoutCommand implements Callable<Integer>, QuickCommands.Quick {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REF", description = "The version to materialise.")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR", description = "The target folder (created when missing).")
    Path dir;

    @Option(
            names = "--link",
            paramLabel = "MODE",
            defaultValue = "copy",
            description = {
                "How files are made: copy (the default), reflink or hardlink.",
                "copy: independent, writable files: clones of the local cache when DIR is on the same btrfs, XFS"
                        + " (reflink) or bcachefs file system as the Keel home, else written from the stored data.",
                "reflink: clones only, of every file: refused, naming the file system, where DIR cannot hold them.",
                "hardlink: read-only hard links to the local cache, no bytes written when cached. Risk: "
                        + LinkMode.HARDLINK_RISK + "."
            })
    String link;

    @Option(names = "--copy", hidden = true, description = "The default now; kept so older scripts still run.")
    boolean copy;

    @Override
    public Integer call() {
        return run(new Output(spec.commandLine()));
    }

    @Override
    public int run(Output output) {
        LinkMode mode = copy ? LinkMode.COPY : LinkMode.parse(link);
        if (mode == LinkMode.HARDLINK) {
            output.note("keel: warning: " + LinkMode.HARDLINK_RISK + "; use the default (copy) for files you may edit");
        }
        CheckoutResult result;
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            result = data.checkout(ref, dir, mode);
        }
        output.text(DataResults.checkoutText(result));
        return 0;
    }
}
