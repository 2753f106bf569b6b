package dev.keel.testing;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A real S3 protocol server in this JVM for tests: S3Proxy over jclouds' filesystem back end in
 * a folder, on a free loopback port, with request signatures checked (so wrong credentials
 * fail as they do on S3), holding one bucket.
 *
 * <pre>
 * try (TestS3 s3 = new TestS3(dir, "keel-test")) {
 *     S3Options options = S3Options.fromLocation("s3://keel-test/runs", s3.environment());
 * }
 * </pre>
 */
public final class TestS3 implements AutoCloseable {
    public static final String ACCESS_KEY = "keel-access";
    public static final String SECRET_KEY = "keel-secret-0123456789";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String bucket;
    private final URI endpoint;

    /** Starts the server with its objects under {@code dir} and an empty {@code bucket}. */
    public TestS3(Path dir, String bucket) throws Exception {
        this.bucket = bucket;
        Properties props = new Properties();
        props.setProperty(
                "jclouds.filesystem.basedir", Files.createDirectories(dir).toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, bucket);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public URI endpoint() {
        return endpoint;
    }

    public String bucket() {
        return bucket;
    }

    /** What keel-blob-s3 reads to reach the server: endpoint, region and credentials. */
    public Map<String, String> environment() {
        return Map.of(
                "KEEL_S3_ENDPOINT",
                endpoint.toString(),
                "KEEL_S3_REGION",
                REGION,
                "AWS_ACCESS_KEY_ID",
                ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY",
                SECRET_KEY);
    }

    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IOException("cannot stop S3Proxy: " + e, e);
        } finally {
            context.close();
        }
    }
}
