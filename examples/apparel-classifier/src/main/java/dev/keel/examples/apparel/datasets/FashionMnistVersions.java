package dev.keel.examples.apparel.datasets;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.data.AddOptions;
import dev.keel.data.AddResult;
import dev.keel.data.Datasets;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Fashion-MNIST as the Keel dataset {@code fashion-mnist}, which training reads through
 * {@code run.useDataset(...)}.
 *
 * <p>Version 1 ({@link #register}) holds the four IDX files <em>unpacked</em>
 * ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte},
 * {@code t10k-labels-idx1-ubyte}), verified against their published SHA-256s. Unpacked, because
 * the official archives and Debian's recompressed ones differ byte-wise while their content does
 * not: so v1 has the same content hash on every machine, wherever its files were found.
 *
 * <p>{@link #relabel} makes the next version from another one: the same four files plus a
 * {@link Relabels#FILE} that changes {@code count} training labels, chosen by {@code seed} — a
 * deterministic label-noise slice that shows versions, diff and lineage (and lets one measure
 * how training copes with noisy labels).
 *
 * <pre>
 * ./run register                 # fashion-mnist:v1 from the data folder, Debian's copy or a download
 * ./run relabel 600 7            # fashion-mnist:v2 = v1 + relabels.csv (600 labels changed, seed 7)
 * </pre>
 */
public final class FashionMnistVersions {
    /** The Keel dataset name. */
    public static final String NAME = "fashion-mnist";

    static final List<String> KEYS = List.of("train-images", "train-labels", "test-images", "test-labels");

    private FashionMnistVersions() {}

    /**
     * Adds the four verified, unpacked IDX files as the next version of {@code fashion-mnist}
     * (none is made when the latest version already holds exactly them). {@code dataDir} is where
     * to look first (null: the default data folder), as for {@link FashionMnistDataset#open}.
     */
    public static AddResult register(KeelHome home, Path dataDir) {
        FashionMnistDataset data = FashionMnistDataset.open(dataDir);
        Path stage = stage(home);
        try {
            for (String key : KEYS) {
                Files.write(stage.resolve(data.spec().files().get(key).rawName()), data.fileBytes(key));
            }
            try (Datasets datasets = Datasets.open(home)) {
                return datasets.add(
                        NAME,
                        stage,
                        AddOptions.defaults()
                                .message("Fashion-MNIST: 4 IDX files")
                                .description(
                                        "Zalando's Fashion-MNIST (github.com/zalandoresearch/fashion-mnist): 28x28 grey"
                                                + " images of 10 kinds of apparel"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the dataset files in " + stage + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(stage);
        }
    }

    /** Registers version 1 unless {@code fashion-mnist} has a version already; returns whether it did. */
    public static boolean registerIfMissing(KeelHome home, Path dataDir, PrintStream out) {
        try (Datasets datasets = Datasets.open(home)) {
            if (datasets.list().stream().anyMatch(d -> d.dataset().name().equals(NAME) && d.versions() > 0)) {
                return false;
            }
        }
        AddResult r = register(home, dataDir);
        out.println("dataset: registered " + r.summary());
        return true;
    }

    /**
     * Adds, as the next version, the version {@code from} with {@code count} training labels
     * changed ({@link Relabels#flip}, seeded by {@code seed}); a relabels file that {@code from}
     * may hold is replaced, not stacked.
     */
    public static AddResult relabel(KeelHome home, String from, int count, long seed) {
        Path stage = stage(home);
        try (Datasets datasets = Datasets.open(home)) {
            Path base = datasets.materialize(from);
            FashionMnistDataset data = FashionMnistDataset.fromFolder(base);
            for (String key : KEYS) {
                String name = data.spec().files().get(key).rawName();
                Path source = base.resolve(name);
                if (!Files.isRegularFile(source)) {
                    throw new DatasetException(from + " has no " + name + ": relabel a version made by ./run register");
                }
                Files.createLink(stage.resolve(name), source); // the cache's read-only copy, not a second one
            }
            Relabels r = Relabels.flip(data.trainLabelBytes(), data.classNames().size(), count, seed);
            Files.write(stage.resolve(Relabels.FILE), r.toCsv());
            return datasets.add(
                    NAME, stage, AddOptions.defaults().message(count + " labels flipped (seed " + seed + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the new version in " + stage + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(stage);
        }
    }

    /**
     * {@code ./run register [DATA_DIR]} and {@code ./run relabel [COUNT [SEED [FROM]]]} (defaults
     * 600, 7, {@code fashion-mnist:v1}), in the Keel folder {@code KEEL_HOME} or the usual lookup.
     */
    public static void main(String[] args) {
        try {
            KeelHome home = KeelHome.resolve();
            String command = args.length > 0 ? args[0] : "";
            switch (command) {
                case "register" ->
                    System.out.println(register(home, args.length > 1 ? Path.of(args[1]) : null)
                            .summary());
                case "relabel" ->
                    System.out.println(relabel(
                                    home,
                                    args.length > 3 ? args[3] : NAME + ":v1",
                                    args.length > 1 ? Integer.parseInt(args[1]) : 600,
                                    args.length > 2 ? Long.parseLong(args[2]) : 7)
                            .summary());
                default -> {
                    System.err.println("usage: ./run register [DATA_DIR] | ./run relabel [COUNT [SEED [FROM_REF]]]");
                    System.exit(2);
                }
            }
        } catch (NumberFormatException e) {
            System.err.println("error: COUNT and SEED must be integers (" + e.getMessage() + ")");
            System.exit(2);
        } catch (DatasetException | KeelException | IllegalArgumentException | UncheckedIOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static Path stage(KeelHome home) {
        try {
            Path tmp = home.ensureExists().cache().resolve("staging");
            Files.createDirectories(tmp);
            return Files.createTempDirectory(tmp, NAME + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot make a staging folder under " + home.cache() + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // a leftover staging folder under the cache holds nothing that is needed
        }
    }
}
