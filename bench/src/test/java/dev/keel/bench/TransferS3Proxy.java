package dev.keel.bench;

import dev.keel.blob.s3.S3BlobStore;
import dev.keel.blob.s3.S3Options;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * {@link Transfer} with the server's blobs in an S3 bucket served by S3Proxy (filesystem back
 * end) in this JVM on 127.0.0.1: {@code bench/transfer.sh s3proxy [MiB]}.
 */
public final class TransferS3Proxy {
    private TransferS3Proxy() {}

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path work = Path.of(System.getProperty("keel.bench.work", "bench/work")).resolve("transfer-s3");
        Path bucketDir = Files.createDirectories(work.resolveSibling("s3proxy"));
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", bucketDir.toString());
        BlobStoreContext context =
                ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, "bench");
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench-access", "bench-secret-0123456789")
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        try {
            Map<String, String> env = Map.of(
                    "KEEL_S3_ENDPOINT",
                    "http://127.0.0.1:" + proxy.getPort(),
                    "KEEL_S3_REGION",
                    "us-east-1",
                    "AWS_ACCESS_KEY_ID",
                    "bench-access",
                    "AWS_SECRET_ACCESS_KEY",
                    "bench-secret-0123456789");
            S3Options options = S3Options.fromLocation("s3://bench/keel", env);
            System.out.println("# S3 " + options);
            for (int round = 1; round <= 2; round++) {
                // round 1 pays for class loading and JIT compilation; round 2 is what a running server sees
                Transfer.run(new S3BlobStore(options.withPrefix("keel" + round)), "s3proxy.round" + round, mib, work);
            }
        } finally {
            proxy.stop();
            context.close();
        }
    }
}
