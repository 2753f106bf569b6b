package dev.keel.blob.s3;

import dev.keel.testing.TestS3;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared test S3 server ({@link TestS3}) seen from this module: options for a prefix of its
 * bucket, and a client that counts its requests.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = TestS3.ACCESS_KEY;
    static final String SECRET_KEY = TestS3.SECRET_KEY;
    static final String BUCKET = "keel-test";

    private final TestS3 s3;
    final URI endpoint;

    S3ProxyServer(Path dir) throws Exception {
        s3 = new TestS3(dir, BUCKET);
        endpoint = s3.endpoint();
    }

    S3Options options(String prefix) {
        return new S3Options(
                BUCKET,
                prefix,
                endpoint,
                TestS3.REGION,
                true,
                ACCESS_KEY,
                SECRET_KEY,
                null,
                S3Options.MIN_PART_SIZE,
                2,
                1000);
    }

    Map<String, String> environment() {
        return s3.environment();
    }

    /** A client that counts the requests it sends, by operation name ("UploadPart"…). */
    static S3Client countingClient(S3Options options, Map<String, AtomicInteger> counts) {
        return S3Clients.builder(options)
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                        counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
                    }
                }))
                .build();
    }

    static Map<String, AtomicInteger> newCounts() {
        return new ConcurrentHashMap<>();
    }

    @Override
    public void close() throws IOException {
        s3.close();
    }
}
