package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.core.ByteSizes;
import dev.keel.home.CacheBound;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code keel cache}: the local cache's size and bound, and its clean-up. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the size of the local cache (.keel/cache) and its bound, or cleans it up.",
            "The bound is $KEEL_CACHE_MAX (e.g. 500M, 20G), else 10 GiB. Everything in the cache",
            "can be rebuilt; runs, event logs and blobs are never in it."
        })
final class CacheCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--trim", description = "Remove least recently used entries until the cache fits its bound.")
        boolean trim;

        @Option(names = "--clean", description = "Remove everything in the cache.")
        boolean clean;
    }

    @Override
    public Integer call() {
        StoreAccess access = home.access();
        CacheBound bound = CacheBound.fromEnvironment(access.home().cache());
        Output output = new Output(spec.commandLine());
        if (action != null) {
            CacheBound.Removed removed = action.clean ? bound.clean() : bound.enforce();
            output.note("removed " + removed.entries() + " entr" + (removed.entries() == 1 ? "y" : "ies") + ", "
                    + ByteSizes.iec(removed.bytes()));
        }
        output.text(bound.dir() + "  " + ByteSizes.iec(bound.size()) + " of " + ByteSizes.iec(bound.maxBytes()) + "\n");
        return 0;
    }
}
