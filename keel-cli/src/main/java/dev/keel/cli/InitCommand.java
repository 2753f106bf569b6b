package dev.keel.cli;

import dev.keel.cli.checkout.KeelCheckout;
import dev.keel.cli.scaffold.KeelArtifacts;
import dev.keel.cli.scaffold.Scaffold;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keel init DIR}: scaffolds a new Keel project in the reference project's layout. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Creates a new Keel project in DIR that builds, trains and passes its tests out of the box.",
            "It holds keel.yaml, a README, a pom.xml, an experiment config, a dataset, an MLP network, a model,",
            "a tracked training entry point, a predictor and tests.",
            "It builds and passes its tests out of the box: cd DIR && mvn -q verify.",
            "The Keel jars it depends on are installed into ~/.m2 from this Keel checkout when missing."
        })
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The new project's folder (created; must be empty).")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "The project's name (default: the folder's name).")
    String name;

    @Option(names = "--package", paramLabel = "PKG", description = "The Java package (default: com.example.<name>).")
    String packageName;

    @Option(
            names = "--force",
            description = "Write into a folder that is not empty (files of the same name are overwritten).")
    boolean force;

    @Option(names = "--no-install", description = "Do not install the Keel jars into the local Maven repository.")
    boolean noInstall;

    @Override
    public Integer call() {
        Output output = new Output(spec.commandLine());
        Path target = dir.toAbsolutePath().normalize();
        Scaffold scaffold = new Scaffold(name != null ? name : String.valueOf(target.getFileName()), packageName);
        List<Path> files = scaffold.writeTo(target, force);
        output.note("created project " + scaffold.name() + " (package " + scaffold.packageName() + ") in " + target
                + ": " + files.size() + " files");
        KeelArtifacts artifacts = KeelArtifacts.defaultRepository();
        if (!artifacts.installed()) {
            if (noInstall) {
                output.note("the Keel jars are not in the local Maven repository yet; before building, run in the"
                        + " Keel checkout: " + String.join(" ", artifacts.installCommand()));
            } else {
                artifacts.install(KeelCheckout.locate(), output::note);
            }
        }
        output.note("Next: cd " + dir + " && mvn -q verify && ./run train");
        return 0;
    }
}
