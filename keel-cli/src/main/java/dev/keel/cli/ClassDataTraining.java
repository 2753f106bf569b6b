package dev.keel.cli;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.store.WriteBatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the {@code ./keel} launcher runs once after a build, in the background, with
 * {@code -XX:ArchiveClassesAtExit}: the everyday read commands over a small throw-away store, so
 * that the class-data-sharing archive it leaves holds the classes those commands load. Later
 * commands map those classes from the archive instead of finding, reading and verifying them in
 * the jar. Prints nothing; exits 0 when every command did.
 */
public final class ClassDataTraining {
    private static final String RUN = "cds00001";

    private ClassDataTraining() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", "java\\.(time|sql)\\..*");
        Path dir = Files.createTempDirectory("keel-cds-");
        int failures = 0;
        try {
            Path home = dir.resolve(".keel");
            seed(home);
            for (List<String> command : List.of(
                    List.of("runs"),
                    List.of("runs", "--sort", "-acc", "--limit", "50", "--format", "json"),
                    List.of("runs", "--filter", "config.lr < 1 and state = finished", "--format", "csv"),
                    List.of("run", "show", RUN),
                    List.of("run", "show", RUN, "--format", "json"),
                    List.of("run", "logs", RUN),
                    List.of("run", "history", RUN, "loss"),
                    List.of("projects"),
                    List.of("data", "ls"),
                    List.of("--help"))) {
                String[] words = Stream.concat(
                                command.stream(),
                                command.contains("--help") ? Stream.empty() : Stream.of("--home", home.toString()))
                        .toArray(String[]::new);
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                int code = Main.run(words, sink, sink, new BufferedReader(new StringReader("")));
                failures += code == 0 ? 0 : 1;
            }
            // keel data add: a first add, then the unchanged re-adds, which are what a person
            // repeats and what start-up dominates; then a checkout. Like the flow's below, a failure
            // here (an odd temporary folder) still leaves the archive.
            Path folder = dataFolder(dir.resolve("data"));
            for (List<String> command : List.of(
                    List.of("data", "add", "cds", folder.toString()),
                    List.of("data", "add", "cds", folder.toString()),
                    List.of("data", "add", "cds", folder.toString()),
                    List.of(
                            "data",
                            "checkout",
                            "cds:v1",
                            dir.resolve("checkout").toString()))) {
                String[] words = Stream.concat(command.stream(), Stream.of("--home", home.toString()))
                        .toArray(String[]::new);
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                Main.run(words, sink, sink, new BufferedReader(new StringReader("")));
            }
            // The flow's commands over a small project: run once (its stages a shell command each),
            // then the nothing-stale decision and the graph, which are what the archive is for. They
            // need a shell; where they fail the archive still holds the commands above.
            Path flow = flowProject(dir.resolve("flow"));
            for (List<String> command : List.of(
                    List.of("repro"),
                    List.of("repro"),
                    List.of("repro", "--dry-run"),
                    List.of("dag"),
                    List.of("--version"))) {
                String[] words = Stream.concat(
                                command.stream(),
                                command.contains("--version")
                                        ? Stream.empty()
                                        : Stream.of("--dir", flow.toString(), "--home", home.toString()))
                        .toArray(String[]::new);
                PrintWriter sink = new PrintWriter(Writer.nullWriter());
                Main.run(words, sink, sink, new BufferedReader(new StringReader("")));
            }
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** A few small files in two folders, written an hour ago (so the stat cache remembers them). */
    private static Path dataFolder(Path dir) throws IOException {
        FileTime written = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        for (int i = 0; i < 40; i++) {
            Path f = dir.resolve("part" + (i % 2)).resolve("f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "sample " + i + "\n");
            Files.setLastModifiedTime(f, written);
        }
        return dir;
    }

    /** A flow of two stages: a file, a folder and a param in; a file and a folder out. */
    private static Path flowProject(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(".keel"));
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/a.txt"), "a\n");
        Files.writeString(dir.resolve("raw.csv"), "x,1\n");
        Files.writeString(dir.resolve("params.yaml"), "epochs: 2\n");
        Files.writeString(dir.resolve("keel.yaml"), """
                project: cds
                stages:
                  prepare:
                    cmd: cp raw.csv prepared.csv
                    inputs: [raw.csv, src/]
                    outputs: [prepared.csv]
                  train:
                    cmd: mkdir -p out && cp prepared.csv out/model.txt
                    inputs: [prepared.csv]
                    params: [epochs]
                    outputs: [out/]
                """);
        return dir;
    }

    private static void seed(Path home) {
        try (Store store = Stores.open(new KeelHome(home).ensureExists().storeLocation())) {
            long t0 = System.currentTimeMillis() - 60_000;
            store.createRun(
                    new RunInfo(
                            RUN,
                            "training",
                            "first-run-1",
                            "",
                            "keel",
                            List.of("mlp"),
                            "",
                            RunState.RUNNING,
                            t0,
                            t0,
                            0,
                            0,
                            "",
                            "",
                            0,
                            Map.of("lr", 0.01, "layers", 3L, "optimizer", Map.of("name", "adam")),
                            Map.of()),
                    Map.of("jvm", Map.of("version", "17"), "git", Map.of("commit", "0000000")));
            WriteBatch b = new WriteBatch();
            for (int step = 0; step < 10; step++) {
                b.metrics.add("loss", step, t0 + step, 1.0 / (step + 1));
            }
            b.summary.put("acc", 0.9);
            b.summary.put("loss", 0.1);
            b.state = RunState.FINISHED;
            b.endedAt = t0 + 30_000;
            b.heartbeatAt = t0 + 30_000;
            store.apply(RUN, b);
        }
    }
}
