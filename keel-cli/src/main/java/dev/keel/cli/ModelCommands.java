package dev.keel.cli;

import dev.keel.cli.table.Table;
import dev.keel.core.ByteSizes;
import dev.keel.core.KeelException;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelRegistry;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.model.Registration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ObjIntConsumer;

/** The {@code keel model} subcommands: each parses, calls {@link ModelRegistry} and prints. */
final class ModelCommands {
    private ModelCommands() {}

    /**
     * Applies {@code change(model, version)} to the version {@code ref} names (NAME:vN, NAME@ALIAS,
     * NAME@latest) or, for a bare NAME, to the model itself (version 0), which must exist; returns
     * what it changed, {@code NAME:vN} or {@code model NAME}, for the command's message.
     */
    static String changeVersionOrModel(ModelStore models, String ref, ObjIntConsumer<String> change) {
        ModelRef r = ModelRef.parse(ref);
        if (r.version() == 0 && r.alias() == null && !ref.contains("@")) {
            models.resolve(r);
            change.accept(r.name(), 0);
            return "model " + r.name();
        }
        ModelVersion v = models.resolve(r);
        change.accept(v.model(), v.version());
        return v.ref();
    }

    /** What every subcommand shares: the Keel folder and the command's output. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Spec
        CommandSpec spec;

        Output output() {
            return new Output(spec.commandLine());
        }

        ModelAccess open() {
            return ModelAccess.open(home.access());
        }
    }

    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            description = "Registers the next version of NAME from a run's files (its best checkpoint unless told"
                    + " otherwise) and prints NAME:vN. No bytes are copied: the version lists the run's blobs.")
    static final class Register extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model's name, e.g. apparel-classifier.")
        String name;

        @Option(names = "--run", required = true, paramLabel = "RUN", description = "The run whose files to register.")
        String run;

        @Option(
                names = "--checkpoint",
                paramLabel = "best|last|FILE",
                description = "The run's checkpoint to register: best (by the metric the run kept the best by), last,"
                        + " or a checkpoint file name (default: best, else last, unless --path is given).")
        String checkpoint;

        @Option(
                names = "--path",
                paramLabel = "ARTIFACT",
                description = "A file or folder the run logged (logArtifact name) to register, with or instead of a"
                        + " checkpoint.")
        String path;

        @Option(
                names = {"-m", "--message"},
                paramLabel = "DESCRIPTION",
                description = "What this version is.")
        String description = "";

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "A tag of the version; repeat for more.")
        Map<String, String> tags = new LinkedHashMap<>();

        @Option(
                names = "--signature",
                paramLabel = "TEXT",
                description =
                        "Input and output shapes and types, e.g. 'input: float32[N,28,28]; output: float32[N,10]'.")
        String signature = "";

        @Override
        public Integer call() {
            Registration what = new Registration(run, checkpoint, path, description, tags, signature, null);
            try (ModelAccess access = open()) {
                ModelVersion v = access.registry().register(name, what);
                output().text(v.ref() + "\n");
                output().note("registered " + v.ref() + " from run "
                        + v.lineage().runId() + ": " + v.files().size() + " file(s), " + ByteSizes.iec(v.size())
                        + " (no bytes copied)");
            }
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "Lists registered models.")
    static final class Ls extends Base {
        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table, json or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                List<RegisteredModel> list = models.models();
                if (format == Format.json) {
                    output().json(list.stream()
                            .map(m -> ModelJson.model(m, models))
                            .toList());
                    return 0;
                }
                if (list.isEmpty()) {
                    output().note("no registered models yet ('keel model register NAME --run RUN' registers one)");
                    return 0;
                }
                Table t = new Table()
                        .column("name", "Name", "", false)
                        .column("project", "Project", "", false)
                        .column("latest", "Latest", "", false)
                        .column("aliases", "Aliases", "", false)
                        .column("owner", "Owner", "", false)
                        .column("updated", "Updated", "", false);
                for (RegisteredModel m : list) {
                    List<ModelVersion> versions = models.versions(m.name());
                    t.row(List.of(
                            m.name(),
                            m.project(),
                            versions.isEmpty()
                                    ? ""
                                    : "v" + versions.get(versions.size() - 1).version(),
                            ModelJson.aliasText(models.aliases(m.name())),
                            m.owner(),
                            ModelJson.time(m.updatedAt())));
                }
                output().table(t, format);
            }
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Shows one version: files and hashes, lineage (run, datasets, commit, config, metrics),"
                    + " signature, tags and the aliases that point at it.")
    static final class Show extends Base {
        @Parameters(index = "0", paramLabel = "REF", description = "NAME:vN, NAME@ALIAS or NAME (the latest).")
        String ref;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table (text) or json (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                ModelVersion v = access.registry().resolve(ref);
                Map<String, Integer> aliases = models.aliases(v.model());
                if (format == Format.json) {
                    output().json(ModelJson.version(v, aliases));
                } else {
                    output().text(ModelJson.describe(v, aliases, models.aliasMoves(v.model())));
                }
            }
            return 0;
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "Lists the versions of a model.")
    static final class Versions extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model.")
        String name;

        @Option(
                names = "--format",
                paramLabel = "FORMAT",
                defaultValue = "table",
                description = "table, json or csv (default: ${DEFAULT-VALUE}).")
        Format format;

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                ModelRef.checkName(name, name);
                models.resolve(new ModelRef(name, 0, null));
                List<ModelVersion> versions = models.versions(name);
                Map<String, Integer> aliases = models.aliases(name);
                if (format == Format.json) {
                    output().json(versions.stream()
                            .map(v -> ModelJson.version(v, aliases))
                            .toList());
                } else {
                    output().table(ModelJson.versionsTable(versions, aliases), format);
                }
            }
            return 0;
        }
    }

    @Command(
            name = "alias",
            mixinStandardHelpOptions = true,
            description = "Points NAME@ALIAS at VERSION (moving it when it pointed elsewhere); with --require, only"
                    + " when the version's metrics meet the condition.")
    static final class Alias extends Base {
        @Parameters(
                index = "0",
                paramLabel = "NAME@ALIAS",
                description = "The alias, e.g. apparel-classifier@production.")
        String alias;

        @Parameters(
                index = "1",
                paramLabel = "VERSION",
                description = "The version: 3, v3 or a ref such as NAME@staging.")
        String version;

        @Option(
                names = "--require",
                paramLabel = "CONDITION",
                description = "A condition over the version's metrics at registration, in the runs filter language,"
                        + " e.g. 'test_accuracy >= 0.88'; the move is refused with the failing value.")
        String require;

        @Option(
                names = "--by",
                paramLabel = "USER",
                description = "Who moves it, for the alias history (default: $USER).")
        String by = System.getProperty("user.name", "");

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                AliasMove m = access.registry().alias(alias, version, require, by);
                output().text(m.model() + "@" + m.alias() + " -> " + m.model() + ":v" + m.version()
                        + (m.from() > 0 && m.from() != m.version() ? " (was v" + m.from() + ")" : "") + "\n");
            }
            return 0;
        }
    }

    @Command(
            name = "tag",
            mixinStandardHelpOptions = true,
            description = "Sets tags on a version (NAME:vN, NAME@ALIAS) or, for a bare NAME, on the model; KEY= removes"
                    + " a tag.")
    static final class Tag extends Base {
        @Parameters(
                index = "0",
                paramLabel = "REF",
                description = "NAME:vN or NAME@ALIAS for a version, NAME for the model.")
        String ref;

        @Parameters(
                index = "1..*",
                arity = "1..*",
                paramLabel = "KEY=VALUE",
                description = "Tags to set; KEY= removes one.")
        List<String> tags;

        @Override
        public Integer call() {
            Map<String, String> changes = new LinkedHashMap<>();
            for (String t : tags) {
                int eq = t.indexOf('=');
                if (eq <= 0) {
                    throw KeelException.invalid(
                            "'" + t + "' is not KEY=VALUE: write stage=candidate (or stage= to" + " remove the tag)");
                }
                changes.put(t.substring(0, eq), t.substring(eq + 1));
            }
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                output().text("tagged " + changeVersionOrModel(models, ref, (n, v) -> models.tag(n, v, changes))
                        + "\n");
            }
            return 0;
        }
    }

    @Command(
            name = "rename",
            mixinStandardHelpOptions = true,
            description = "Renames a model; its versions, aliases and alias history go with it. Refs to the old name"
                    + " (NAME@ALIAS in predictors and serving) stop resolving.")
    static final class Rename extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The model's name now.")
        String name;

        @Parameters(index = "1", paramLabel = "NEW_NAME", description = "Its new name, not taken by another model.")
        String newName;

        @Override
        public Integer call() {
            ModelRef.checkName(name, name);
            ModelRef.checkName(newName, newName);
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                models.resolve(new ModelRef(name, 0, null));
                models.rename(name, newName);
            }
            output().text("renamed model " + name + " to " + newName + "\n");
            return 0;
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Replaces the description of a version (NAME:vN, NAME@ALIAS) or, for a bare NAME, of the"
                    + " model; an empty TEXT clears it.")
    static final class Describe extends Base {
        @Parameters(
                index = "0",
                paramLabel = "REF",
                description = "NAME:vN or NAME@ALIAS for a version, NAME for the model.")
        String ref;

        @Parameters(index = "1", paramLabel = "TEXT", description = "The new description.")
        String text;

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                ModelStore models = access.registry().models();
                output().text("described " + changeVersionOrModel(models, ref, (n, v) -> models.describe(n, v, text))
                        + "\n");
            }
            return 0;
        }
    }

    @Command(
            name = "rm",
            mixinStandardHelpOptions = true,
            description = "Removes a version (refused while an alias points at it). Its bytes stay while a run or"
                    + " another version keeps them.")
    static final class Rm extends Base {
        @Parameters(index = "0", paramLabel = "NAME:vN", description = "The version to remove.")
        String ref;

        @Override
        public Integer call() {
            ModelRef r = ModelRef.parse(ref);
            if (r.version() == 0) {
                throw KeelException.invalid("'" + ref + "' names no version number: rm removes one version, named"
                        + " NAME:vN ('keel model versions " + r.name() + "' lists them)");
            }
            try (ModelAccess access = open()) {
                access.registry().models().deleteVersion(r.name(), r.version());
            }
            output().text("removed " + r + "\n");
            return 0;
        }
    }

    @Command(
            name = "pull",
            mixinStandardHelpOptions = true,
            description = "Writes a version's files into DIR, each verified against its content hash.")
    static final class Pull extends Base {
        @Parameters(index = "0", paramLabel = "REF", description = "NAME@ALIAS, NAME:vN or NAME (the latest).")
        String ref;

        @Parameters(index = "1", paramLabel = "DIR", description = "The folder to write the files into.")
        Path dir;

        @Override
        public Integer call() {
            try (ModelAccess access = open()) {
                ModelVersion v = access.registry().pull(ref, dir);
                output().text(v.ref() + " -> " + dir + " (" + v.files().size() + " file(s), " + ByteSizes.iec(v.size())
                        + ", verified)\n");
            }
            return 0;
        }
    }
}
