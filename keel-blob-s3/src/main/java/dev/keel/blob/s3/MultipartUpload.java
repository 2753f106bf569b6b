package dev.keel.blob.s3;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * One multipart upload whose parts go up on a shared pool, at most {@code inFlight} at a time,
 * so a put holds at most {@code inFlight + 1} part buffers however large the blob is. Closing an
 * upload that was not completed aborts it, so the bucket keeps no orphaned parts.
 */
final class MultipartUpload implements AutoCloseable {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final ExecutorService pool;
    private final Semaphore slots;
    private final Consumer<byte[]> recycle;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private boolean completed;

    private MultipartUpload(
            S3Client s3,
            String bucket,
            String key,
            String uploadId,
            ExecutorService pool,
            int inFlight,
            Consumer<byte[]> recycle) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.pool = pool;
        this.slots = new Semaphore(inFlight);
        this.recycle = recycle;
    }

    /** {@code recycle} gets each part's buffer back once the part is sent, for the next part. */
    static MultipartUpload start(
            S3Client s3, String bucket, String key, ExecutorService pool, int inFlight, Consumer<byte[]> recycle) {
        String id = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        return new MultipartUpload(s3, bucket, key, id, pool, inFlight, recycle);
    }

    String key() {
        return key;
    }

    /** Queues {@code data[0..length)} as the next part; the caller must not reuse {@code data}. */
    void submit(byte[] data, int length) throws IOException {
        failFast();
        acquire();
        int number = parts.size() + 1;
        try {
            parts.add(pool.submit(() -> {
                try {
                    String etag = s3.uploadPart(
                                    r -> r.bucket(bucket)
                                            .key(key)
                                            .uploadId(uploadId)
                                            .partNumber(number)
                                            .contentLength((long) length),
                                    RequestBody.fromContentProvider(
                                            () -> new ByteArrayInputStream(data, 0, length),
                                            length,
                                            "application/octet-stream"))
                            .eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                } finally {
                    recycle.accept(data);
                    slots.release();
                }
            }));
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /** Waits for every part and joins them; the object appears whole, all at once. */
    void complete() throws IOException {
        List<CompletedPart> done = new ArrayList<>();
        for (Future<CompletedPart> f : parts) {
            done.add(await(f));
        }
        done.sort(Comparator.comparing(CompletedPart::partNumber));
        s3.completeMultipartUpload(r -> r.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(done).build()));
        completed = true;
    }

    @Override
    public void close() {
        if (completed) {
            return;
        }
        // Parts already on the wire are let finish (at most inFlight of them): an abort racing a
        // part upload can leave that part behind, on S3 (AWS says to abort again) and elsewhere.
        // Future.cancel would not wait for a running part, so none is cancelled.
        for (Future<CompletedPart> f : parts) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception ignored) {
                // Only waiting for the part to stop before aborting the upload.
            }
        }
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // Best effort: S3BlobStore.sweepTemporaries (or a bucket lifecycle rule) removes the rest.
        }
    }

    private void failFast() throws IOException {
        for (Future<CompletedPart> f : parts) {
            if (f.isDone()) {
                await(f);
            }
        }
    }

    private void acquire() throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading " + key);
        }
    }

    private static CompletedPart await(Future<CompletedPart> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while uploading a part");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }
}
