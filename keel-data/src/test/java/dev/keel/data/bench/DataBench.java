package dev.keel.data.bench;

import dev.keel.core.KeelHome;
import dev.keel.core.blob.Hashes;
import dev.keel.data.AddOptions;
import dev.keel.data.AddResult;
import dev.keel.data.CheckoutResult;
import dev.keel.data.DatasetDiff;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Throwaway timing harness (not a test): {@code DataBench small PNG_DIR WORK} times add,
 * re-add, checkout and diff of the exported Fashion-MNIST PNGs; {@code DataBench large WORK}
 * times SHA-256 and add of a 1 GiB file and the cost of a 1 MiB change in its middle.
 */
public final class DataBench {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("small")) {
            small(Path.of(args[1]), Path.of(args[2]));
        } else {
            large(Path.of(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 1L << 30);
        }
    }

    static void small(Path pngs, Path work) throws Exception {
        Path home = work.resolve("home");
        try (Datasets d = Datasets.open(new KeelHome(home))) {
            long t = System.nanoTime();
            AddResult r = d.add("fashion-mnist", pngs, AddOptions.defaults().message("export"));
            report("add 70k PNGs", t, r.summary() + " hashed=" + r.filesHashed());
            t = System.nanoTime();
            r = d.add("fashion-mnist", pngs, AddOptions.defaults());
            report("re-add unchanged", t, r.summary() + " hashed=" + r.filesHashed());
            long before = dirBytes(home);
            List<Path> files;
            try (Stream<Path> s = Files.walk(pngs)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            Random rnd = new Random(42);
            int changed = 0;
            for (int i = 0; i < files.size(); i += 100) {
                byte[] b = Files.readAllBytes(files.get(i));
                b[b.length - 5] ^= (byte) (1 + rnd.nextInt(255));
                Files.write(files.get(i), b);
                changed++;
            }
            t = System.nanoTime();
            r = d.add("fashion-mnist", pngs, AddOptions.defaults().message("1% changed"));
            long after = dirBytes(home);
            long data = d.resolve("fashion-mnist:v1").totalBytes();
            report(
                    "add with 1% changed (" + changed + " files)",
                    t,
                    r.summary()
                            + String.format(
                                    " stored=%d B (%.2f%% of %d B); .keel grew %d B (%.2f%%)",
                                    r.bytesStored(),
                                    100.0 * r.bytesStored() / data,
                                    data,
                                    after - before,
                                    100.0 * (after - before) / data));
            t = System.nanoTime();
            DatasetDiff diff = d.diff("fashion-mnist:v1", "fashion-mnist:v2");
            report("diff v1 v2", t, diff.stat());
            t = System.nanoTime();
            CheckoutResult c = d.checkout("fashion-mnist:v1", work.resolve("co-link"), LinkMode.HARDLINK);
            report("checkout (hard links, cold cache)", t, c.summary());
            t = System.nanoTime();
            c = d.checkout("fashion-mnist:v2", work.resolve("co-link2"), LinkMode.HARDLINK);
            report("checkout v2 (hard links, warm cache)", t, c.summary());
            t = System.nanoTime();
            c = d.checkout("fashion-mnist:v1", work.resolve("co-copy"), LinkMode.COPY);
            report("checkout --copy", t, c.summary());
            t = System.nanoTime();
            c = d.checkout("fashion-mnist:v1", work.resolve("co-copy"), LinkMode.COPY);
            report("checkout --copy again (all present)", t, c.summary());
            t = System.nanoTime();
            var v = d.verify(null);
            report(
                    "verify all",
                    t,
                    v.objectsChecked() + " objects, " + v.damaged().size() + " damaged");
            t = System.nanoTime();
            var g = d.gc(true, Set.of());
            report("gc --dry-run", t, g.summary());
        }
    }

    static void large(Path work, long size) throws Exception {
        Files.createDirectories(work);
        Path big = work.resolve("big.bin");
        byte[] buf = new byte[1 << 20];
        Random rnd = new Random(7);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (long w = 0; w < size; w += buf.length) {
                rnd.nextBytes(buf);
                out.write(buf);
            }
        }
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            MessageDigest md = Hashes.sha256();
            byte[] b = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(big)) {
                for (int n; (n = in.read(b)) > 0; ) {
                    md.update(b, 0, n);
                }
            }
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("%-40s %7.3f s  %.2f GB/s%n", "sha-256 of the file (1 core)", s, size / s / 1e9);
        }
        Path home = work.resolve("home");
        try (Datasets d = Datasets.open(new KeelHome(home))) {
            long t = System.nanoTime();
            AddResult r = d.add("big", big, AddOptions.defaults());
            report("add 1 GiB file", t, r.summary());
            try (var ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
                rnd.nextBytes(buf);
                ch.write(ByteBuffer.wrap(buf), size / 2);
            }
            t = System.nanoTime();
            r = d.add("big", big, AddOptions.defaults());
            report("add after 1 MiB changed in the middle", t, r.summary() + " stored=" + r.bytesStored() + " B");
            t = System.nanoTime();
            r = d.add("big", big, AddOptions.defaults());
            report("re-add unchanged (file just written: rehashed)", t, r.summary());
            t = System.nanoTime();
            r = d.add("big", big, AddOptions.defaults());
            report("re-add unchanged (stat cache)", t, r.summary());
            t = System.nanoTime();
            CheckoutResult c = d.checkout("big:v2", work.resolve("co"), LinkMode.COPY);
            report("checkout --copy", t, c.summary());
        }
    }

    private static void report(String what, long startNanos, String detail) {
        System.out.printf("%-40s %7.3f s  %s%n", what, (System.nanoTime() - startNanos) / 1e9, detail);
    }

    private static long dirBytes(Path p) throws IOException {
        List<Long> sizes = new ArrayList<>();
        try (Stream<Path> s = Files.walk(p)) {
            s.filter(Files::isRegularFile)
                    .filter(f -> !f.toString().contains("/cache/"))
                    .forEach(f -> {
                        try {
                            sizes.add(Files.size(f));
                        } catch (IOException e) {
                            // vanished while walking (SQLite temporaries)
                        }
                    });
        }
        return sizes.stream().mapToLong(Long::longValue).sum();
    }
}
