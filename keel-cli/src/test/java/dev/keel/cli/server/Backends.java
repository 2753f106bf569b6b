package dev.keel.cli.server;

import dev.keel.testing.TestPostgres;
import dev.keel.testing.TestS3;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real back ends a team server runs on, for tests: a schema of its own in the test JVM's
 * PostgreSQL server ({@link TestPostgres}) and an S3 protocol server ({@link TestS3}), both on
 * 127.0.0.1.
 */
final class Backends implements AutoCloseable {
    static final String ACCESS_KEY = TestS3.ACCESS_KEY;
    static final String SECRET_KEY = TestS3.SECRET_KEY;
    static final String BUCKET = "keel-team";

    private final String jdbcUrl;
    private final TestS3 s3;
    final URI s3Endpoint;

    Backends(Path dir) throws Exception {
        jdbcUrl = TestPostgres.freshStoreUrl();
        s3 = new TestS3(dir.resolve("s3"), BUCKET);
        s3Endpoint = s3.endpoint();
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    /** What keel-blob-s3 reads to reach the bucket. */
    Map<String, String> s3Environment() {
        return s3.environment();
    }

    @Override
    public void close() throws IOException {
        s3.close();
    }
}
