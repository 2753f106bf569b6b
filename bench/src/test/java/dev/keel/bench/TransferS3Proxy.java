package dev.keel.bench;

import dev.keel.blob.s3.S3BlobStore;
import dev.keel.blob.s3.S3Options;
import dev.keel.testing.TestS3;

import java.nio.file.Path;

/**
 * {@link Transfer} with the server's blobs in an S3 bucket served by S3Proxy (filesystem back
 * end) in this JVM on 127.0.0.1: {@code bench/transfer.sh s3proxy [MiB]}.
 */
public final class TransferS3Proxy {
    private TransferS3Proxy() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path work = Path.of(System.getProperty("keel.bench.work", "bench/work")).resolve("transfer-s3");
        try (TestS3 s3 = new TestS3(work.resolveSibling("s3proxy"), "bench")) {
            S3Options options = S3Options.fromLocation("s3://bench/keel", s3.environment());
            System.out.println("# S3 " + options);
            for (int round = 1; round <= 2; round++) {
                // round 1 pays for class loading and JIT compilation; round 2 is what a running server sees
                Transfer.run(new S3BlobStore(options.withPrefix("keel" + round)), "s3proxy.round" + round, mib, work);
            }
        }
    }
}
