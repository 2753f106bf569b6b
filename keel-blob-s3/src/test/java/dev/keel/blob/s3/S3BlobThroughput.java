package dev.keel.blob.s3;

import dev.keel.core.blob.GeneratedStream;
import dev.keel.core.blob.Hashes;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rough loopback figures for {@link S3BlobStore} against S3Proxy (filesystem back end), not a
 * unit test: {@code java -cp <test classpath> dev.keel.blob.s3.S3BlobThroughput [MiB] [dir]}.
 * Prints upload/download MB/s of one generated blob and the latency of small puts.
 */
public final class S3BlobThroughput {
    private S3BlobThroughput() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = Files.createTempDirectory(
                args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")), "s3bench");
        long size = mib << 20;
        try (S3ProxyServer server = new S3ProxyServer(dir);
                S3BlobStore store = new S3BlobStore(
                        S3Options.fromLocation("s3://" + S3ProxyServer.BUCKET + "/bench", server.environment()))) {
            long t0 = System.nanoTime();
            int n = 200;
            for (int i = 0; i < n; i++) {
                store.put(new ByteArrayInputStream(("small " + i).getBytes()));
            }
            System.out.printf("small put: %.2f ms each (HEAD + PUT)%n", (System.nanoTime() - t0) / 1e6 / n);

            long t1 = System.nanoTime();
            String hash = store.put(new GeneratedStream(42, size));
            double up = (System.nanoTime() - t1) / 1e9;
            System.out.printf(
                    "upload stream %d MiB: %.1f s, %.0f MB/s (parts of %d MiB, %d in flight; includes hashing, server-side copy)%n",
                    mib,
                    up,
                    size / 1e6 / up,
                    store.options().partSize() >> 20,
                    store.options().partsInFlight());

            long t2 = System.nanoTime();
            var md = Hashes.sha256();
            try (InputStream in = store.open(hash)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    md.update(buf, 0, r);
                }
            }
            double down = (System.nanoTime() - t2) / 1e9;
            System.out.printf(
                    "download %d MiB verified: %.1f s, %.0f MB/s (%s)%n",
                    mib,
                    down,
                    size / 1e6 / down,
                    Hashes.address(md.digest()).equals(hash) ? "hash ok" : "HASH MISMATCH");

            store.delete(hash);
            long t4 = System.nanoTime();
            store.put(new GeneratedStream(42, size), hash);
            double upKnown = (System.nanoTime() - t4) / 1e9;
            System.out.printf(
                    "upload stream %d MiB with its hash known: %.1f s, %.0f MB/s (parts straight to the address,"
                            + " no copy: what a dataset upload does)%n",
                    mib, upKnown, size / 1e6 / upKnown);
            try (S3BlobStore wide = new S3BlobStore(store.options()
                    .withPrefix("bench4")
                    .withTransfer(store.options().partSize(), 4, 1000))) {
                long t5 = System.nanoTime();
                wide.put(new GeneratedStream(42, size), hash);
                double up4 = (System.nanoTime() - t5) / 1e9;
                System.out.printf("the same with 4 parts in flight: %.1f s, %.0f MB/s%n", up4, size / 1e6 / up4);
            }

            Path file = dir.resolve("blob.bin");
            store.copyTo(hash, file);
            store.delete(hash);
            long t3 = System.nanoTime();
            store.putFile(file);
            double upFile = (System.nanoTime() - t3) / 1e9;
            System.out.printf(
                    "upload file %d MiB: %.1f s, %.0f MB/s (hash first, then parts straight to the address)%n",
                    mib, upFile, size / 1e6 / upFile);
        }
    }
}
