package dev.keel.blob.s3;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 protocol server in this JVM: S3Proxy over jclouds' filesystem back end, on a free
 * loopback port, with signature checking on.
 */
final class S3ProxyServer implements AutoCloseable {
    static final String ACCESS_KEY = "keel-access";
    static final String SECRET_KEY = "keel-secret-0123456789";
    static final String BUCKET = "keel-test";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    final URI endpoint;

    S3ProxyServer(Path dir) throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    S3Options options(String prefix) {
        return new S3Options(BUCKET, prefix, endpoint, "us-east-1", true, ACCESS_KEY, SECRET_KEY, null,
                S3Options.MIN_PART_SIZE, 2, 1000);
    }

    Map<String, String> environment() {
        return Map.of("KEEL_S3_ENDPOINT", endpoint.toString(), "KEEL_S3_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
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
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not stop", e);
        } finally {
            context.close();
        }
    }
}
