package dev.keel.cli;

import dev.keel.cli.access.DataAccess;
import dev.keel.core.data.DatasetVersion;
import dev.keel.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code keel data rm REF|NAME}: removes a version, or a whole dataset, after asking. */
@Command(
        name = "rm",
        mixinStandardHelpOptions = true,
        description = {
            "Removes one version (NAME:v3, NAME:TAG, NAME@HASH) or, given a bare NAME, the whole dataset.",
            "Bytes no other version needs are freed by the next 'keel data gc'."
        })
final class DataRmCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "REF|NAME", description = "A version reference, or a dataset name for the whole dataset.")
    String target;

    @Option(
            names = {"-y", "--yes"},
            description = "Remove without asking.")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        boolean whole = !target.contains(":") && !target.contains("@");
        try (Datasets data = new DataAccess(home.access()).openExisting()) {
            String what;
            String exact = target;
            if (whole) {
                int versions = data.log(target).size(); // fails clearly when there is no such dataset
                what = "dataset " + target + " with its " + versions + " version(s)";
            } else {
                DatasetVersion v = data.resolve(target);
                exact = v.ref(); // what was confirmed, even if 'latest' moves meanwhile
                what = "version " + v.ref() + " (" + v.shortHash() + ")";
            }
            if (!yes) {
                err.print("Remove " + what + "? [y/N] ");
                err.flush();
                BufferedReader in = ((KeelCommand) spec.root().userObject()).in;
                String answer = in.readLine();
                if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                    err.println("not removed"
                            + (answer == null ? " (no answer; pass --yes to remove without asking)" : ""));
                    return Errors.ERROR;
                }
            }
            if (whole) {
                data.removeDataset(target);
            } else {
                data.removeVersion(exact);
            }
            err.println("removed " + what);
        }
        return 0;
    }
}
