package dev.keel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fresh Keel folders for harnesses, under bench/work by default (git-ignored), removed when the
 * harness's JVM exits (a few runs of the ingest harnesses write gigabytes; left behind, they once
 * filled the disk) unless {@code KEEL_BENCH_KEEP=1} keeps them for a look.
 */
final class Homes {
    private static final List<Path> CREATED = new ArrayList<>();

    private Homes() {}

    static synchronized Path fresh(String name) {
        try {
            Path base = Path.of(System.getProperty("keel.bench.work", "bench/work"));
            Files.createDirectories(base);
            Path dir = Files.createTempDirectory(base.toAbsolutePath(), name + "-");
            if (CREATED.isEmpty() && !"1".equals(System.getenv("KEEL_BENCH_KEEP"))) {
                Runtime.getRuntime().addShutdownHook(new Thread(Homes::removeAll, "bench-homes-cleanup"));
            }
            CREATED.add(dir);
            return dir.resolve(".keel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized void removeAll() {
        for (Path dir : CREATED) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("bench: could not remove " + dir + ": " + e);
            }
        }
    }
}
