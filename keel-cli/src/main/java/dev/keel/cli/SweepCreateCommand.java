package dev.keel.cli;

import dev.keel.cli.access.StoreAccess;
import dev.keel.cli.access.SweepAccess;
import dev.keel.core.KeelException;
import dev.keel.core.store.Store;
import dev.keel.core.sweep.Sweep;
import dev.keel.sweep.SweepConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/** {@code keel sweep create FILE}: checks a sweep configuration and stores the sweep. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a sweep configuration (YAML) and creates the sweep; prints its id.",
            "An invalid configuration is refused with the key and line at fault. Without 'seed' in the file a",
            "seed is chosen now and stored, so the search can be repeated."
        },
        footer = {"%nExample:", "  keel sweep create training/sweeps/mlp-width.yaml && keel agent <id> --parallel 2"})
final class SweepCreateCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The sweep configuration (YAML).")
    Path file;

    @Option(
            names = {"-p", "--project"},
            paramLabel = "P",
            description = "The project of the sweep and its runs (default: the file's 'project', else keel.yaml's, "
                    + "else default).")
    String project;

    @Override
    public Integer call() {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw KeelException.invalid("no sweep configuration at " + file + ": check the path");
        } catch (IOException e) {
            throw KeelException.invalid("cannot read " + file + " (" + e.getMessage() + ")");
        }
        SweepConfig config = SweepConfig.parse(text, String.valueOf(file.getFileName()));
        StoreAccess access = home.access();
        String target = SweepAccess.project(project, config.project(), access);
        long seed = config.seed().orElseGet(() -> new SecureRandom().nextLong() & Long.MAX_VALUE);
        String name = config.name() == null || config.name().isBlank()
                ? String.valueOf(file.getFileName()).replaceFirst("\\.ya?ml$", "")
                : config.name();
        Sweep sweep;
        try (Store store = SweepAccess.openForWrite(access)) {
            sweep = store.sweeps().create(target, name, text, seed, "");
        }
        Output output = new Output(spec.commandLine());
        output.text(sweep.id() + "\n");
        output.note("created sweep " + sweep.id() + " (" + name + ") in project " + sweep.project() + ": run 'keel"
                + " agent " + sweep.id() + "' to start trials");
        return 0;
    }
}
