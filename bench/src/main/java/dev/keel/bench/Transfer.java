package dev.keel.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.BlobStores;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetStores;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.data.AddOptions;
import dev.keel.data.DataRemote;
import dev.keel.data.Datasets;
import dev.keel.data.TransferResult;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;

/**
 * A big blob through the server and back (issue 5: "a 1 GiB blob upload/download ≥ 200 MB/s on
 * loopback; memory bounded"): one random file is added to a dataset in one Keel folder, pushed
 * to a real server on 127.0.0.1 (SQLite metadata; blobs in a folder or an S3 bucket), then pulled
 * into a second Keel folder. Prints RESULT lines for push and pull MB/s and the peak heap.
 *
 * <pre>
 * java -Xmx512m -cp … dev.keel.bench.Transfer [--mib 1024] [--blobs DIR|s3://bucket/prefix] [--work DIR]
 * </pre>
 * With {@code s3://…} the S3 settings come from the environment ({@code KEEL_S3_ENDPOINT}…);
 * {@code bench/transfer.sh s3proxy} runs it against an in-process S3Proxy.
 */
public final class Transfer {
    private Transfer() {}

    public static void main(String[] args) {
        long mib = 1024;
        int rounds = 2;
        String blobs = null;
        Path work = Path.of(System.getProperty("keel.bench.work", "bench/work")).resolve("transfer");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mib" -> mib = Long.parseLong(args[++i]);
                case "--blobs" -> blobs = args[++i];
                case "--work" -> work = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; use --mib N, --blobs DIR|s3://bucket/prefix, --work DIR, --rounds N");
            }
        }
        try {
            for (int round = 1; round <= rounds; round++) {
                // round 1 pays for class loading and JIT compilation; later rounds are what a running server sees
                Path serverHome = work.resolve("server");
                Files.createDirectories(serverHome);
                BlobStore store =
                        blobs == null ? new LocalBlobStore(new KeelHome(serverHome).blobs()) : BlobStores.open(blobs);
                run(store, (blobs == null ? "folder" : "s3") + ".round" + round, mib, work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the push and the pull with {@code serverBlobs} behind the server; {@code label} names the results. */
    public static void run(BlobStore serverBlobs, String label, long mib, Path work) throws IOException {
        clean(work);
        Path src = work.resolve("src");
        Files.createDirectories(src);
        long size = mib << 20;
        writeRandom(src.resolve("blob.bin"), size);
        KeelHome laptop = new KeelHome(work.resolve("laptop"));
        KeelHome desktop = new KeelHome(work.resolve("desktop"));
        KeelHome serverHome = new KeelHome(work.resolve("server"));
        serverHome.ensureExists();
        try (Datasets a = Datasets.open(laptop);
                Datasets b = Datasets.open(desktop)) {
            long t0 = System.nanoTime();
            cpu0 = cpu();
            a.add("blob", src, AddOptions.defaults().message("bench"));
            report(
                    "transfer.add." + label,
                    size,
                    System.nanoTime() - t0,
                    "local add (chunk + pack + fsync), for reference");
            Store runs = Stores.open(serverHome.storeLocation());
            DatasetStore datasets = DatasetStores.open(serverHome.storeLocation());
            try (KeelServer server = KeelServer.builder()
                    .store(runs)
                    .datasets(datasets)
                    .blobs(serverBlobs)
                    .settings(ServerSettings.local(0))
                    .closeWithServer(runs)
                    .closeWithServer(datasets)
                    .build()
                    .start()) {
                DataRemote remote = DataRemote.connect(server.url(), null);
                long t1 = System.nanoTime();
                cpu0 = cpu();
                TransferResult pushed = a.push("blob", remote);
                report("transfer.push." + label, pushed.bytesSent(), System.nanoTime() - t1, "≥ 200 MB/s");
                long t2 = System.nanoTime();
                cpu0 = cpu();
                TransferResult pulled = b.pull("blob", remote);
                report("transfer.pull." + label, pulled.bytesSent(), System.nanoTime() - t2, "≥ 200 MB/s");
                if (!pulled.hash().equals(pushed.hash())) {
                    throw new IllegalStateException("pulled " + pulled.hash() + ", pushed " + pushed.hash());
                }
            }
        } finally {
            if (serverBlobs instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // done anyway
                }
            }
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        // the pools peak at different moments, so their sum overstates; the bound is the max heap it ran in
        System.out.printf(
                Locale.ROOT,
                "RESULT transfer.heap.%s %d MiB max heap, completed (sum of heap pool" + " peaks %d MiB)%n",
                label,
                Runtime.getRuntime().maxMemory() >> 20,
                peak >> 20);
        clean(work);
    }

    private static long cpu0;

    /** CPU time of this process (client and server together): a figure a busy machine distorts less than wall time. */
    private static long cpu() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void report(String name, long bytes, long nanos, String target) {
        double s = nanos / 1e9;
        double cpuS = (cpu() - cpu0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "RESULT %s %.0f MB/s (%d MiB in %.2f s, %.2f CPU s = %.0f MB per CPU s;" + " target %s)%n",
                name,
                bytes / 1e6 / s,
                bytes >> 20,
                s,
                cpuS,
                bytes / 1e6 / cpuS,
                target);
    }

    private static void writeRandom(Path file, long size) throws IOException {
        Random r = new Random(42);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    private static void clean(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.delete(p);
            }
        }
    }
}
