package dev.keel.blob.s3;

import dev.keel.core.KeelException;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.VerifyingInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Blobs in an S3-compatible bucket, under {@code <prefix>sha256/<2 hex>/<62 hex>}: the same
 * layout as {@link dev.keel.core.blob.LocalBlobStore}, so a folder can be synced to a bucket as is.
 *
 * <p>Uploads stream: a blob that fits in one part goes up in one request once its hash is known;
 * a larger stream goes up as a multipart upload to {@code <prefix>tmp/<uuid>} while it is hashed,
 * then is copied to its address inside the bucket and the temporary deleted. A file is hashed
 * first and uploaded straight to its address. Either way memory stays near
 * {@code (partsInFlight + 1) * partSize}, and content the bucket already has is not sent again.
 * Reads verify like the local store: the stream throws
 * {@link dev.keel.core.blob.CorruptBlobException} at its end when the bytes do not match.
 *
 * <p>A writer killed mid-upload can leave a temporary object or an unfinished multipart upload
 * under {@code tmp/}, which {@link #sweepTemporaries} (run by gc) removes once old, or an
 * unfinished upload to a blob's address, which only the bucket's lifecycle rule removes (a sweep
 * cannot tell it from a live one). One instance is safe to share between threads; {@link #close} it when done.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    /** The largest object S3 copies in one request. */
    static final long MAX_SINGLE_COPY = 5L << 30;

    private static final long COPY_PART = 512L << 20;
    /** How old an unfinished upload in the temporary area must be before a gc aborts it. */
    public static final Duration UPLOAD_MAX_AGE = Duration.ofDays(1);

    private final S3Client s3;
    private final S3Options options;
    private final String bucket;
    private final String prefix;
    private final ExecutorService pool;
    long copyLimit = MAX_SINGLE_COPY;

    public S3BlobStore(S3Options options) {
        this(S3Clients.create(options), options);
    }

    S3BlobStore(S3Client s3, S3Options options) {
        this.s3 = s3;
        this.options = options;
        this.bucket = options.bucket();
        this.prefix = options.prefix();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "keel-s3-transfer");
            t.setDaemon(true);
            return t;
        });
    }

    public S3Options options() {
        return options;
    }

    /** The object key of a blob (whether or not it is stored). */
    public String key(String hash) {
        String hex = Hashes.hex(hash);
        return prefix + "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2);
    }

    @Override
    public String put(InputStream in) throws IOException {
        MessageDigest md = Hashes.sha256();
        int partSize = options.partSize();
        byte[] first = in.readNBytes(partSize);
        md.update(first);
        if (first.length < partSize) {
            String hash = Hashes.address(md.digest());
            if (!exists(key(hash))) {
                putSmall(key(hash), first, first.length);
            }
            return hash;
        }
        String tmpKey = prefix + "tmp/" + UUID.randomUUID();
        try {
            long total = multipart(tmpKey, first, in, md, () -> {});
            String hash = Hashes.address(md.digest());
            String key = key(hash);
            if (!exists(key)) {
                copy(tmpKey, key, total);
            }
            return hash;
        } catch (SdkException e) {
            throw failure("upload", tmpKey, e);
        } finally {
            deleteQuietly(tmpKey);
        }
    }

    /**
     * Straight to the address, with no temporary key and no server-side copy: parts go up while
     * the stream is hashed, and the upload is completed only when the hash matches (else it is
     * aborted and nothing appears under the address).
     */
    @Override
    public String put(InputStream in, String expected) throws IOException {
        Hashes.hex(expected);
        String key = key(expected);
        MessageDigest md = Hashes.sha256();
        int partSize = options.partSize();
        byte[] first = in.readNBytes(partSize);
        md.update(first);
        if (first.length < partSize) {
            requireHash(expected, md);
            if (!exists(key)) {
                putSmall(key, first, first.length);
            }
            return expected;
        }
        if (exists(key)) {
            // Already stored: still read and check what was sent, so a sender proves it holds the bytes.
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            requireHash(expected, md);
            return expected;
        }
        try {
            multipart(key, first, in, md, () -> requireHash(expected, md));
            return expected;
        } catch (SdkException e) {
            throw failure("upload", key, e);
        }
    }

    private static void requireHash(String expected, MessageDigest md) {
        String actual = Hashes.address(md.digest());
        if (!actual.equals(expected)) {
            throw KeelException.invalid(
                    "the bytes sent as " + expected + " hash to " + actual + "; nothing was stored, send them again");
        }
    }

    @Override
    public String putFile(Path file) throws IOException {
        BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
        String hash = hashFile(file);
        String key = key(hash);
        if (exists(key)) {
            return hash;
        }
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            if (size < options.partSize()) {
                // Small: hashed again from memory (cheap), so a file changed meanwhile cannot land here.
                byte[] data = in.readAllBytes();
                MessageDigest md = Hashes.sha256();
                md.update(data);
                requireSameHash(file, hash, md);
                putSmall(key, data, data.length);
                return hash;
            }
            // Large: not hashed a second time (that halved the throughput); the file must look
            // exactly as before the hashing pass (size, modification time, identity) before the
            // upload is completed, so a file changed meanwhile cannot land under the old address.
            multipart(key, new byte[0], in, null, () -> requireSameAttributes(file, hash, before));
            return hash;
        } catch (SdkException e) {
            throw failure("upload", key, e);
        }
    }

    /** The file's size, modification time and identity are still those it had when it was hashed. */
    private static void requireSameAttributes(Path file, String hash, BasicFileAttributes before) throws IOException {
        BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
        if (now.size() != before.size()
                || !now.lastModifiedTime().equals(before.lastModifiedTime())
                || !Objects.equals(now.fileKey(), before.fileKey())) {
            throw new IOException(file + " changed while it was being stored (hashed as " + hash
                    + "); nothing was stored: store it again once it is no longer being written");
        }
    }

    @Override
    public boolean has(String hash) {
        return size(hash) >= 0;
    }

    @Override
    public long size(String hash) {
        String key = key(hash);
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key)).contentLength();
        } catch (SdkException e) {
            if (absent(e)) {
                return -1;
            }
            IOException failure = failure("HEAD", key, e);
            throw new KeelException(KeelException.ErrorCode.STORAGE_FAILURE, failure.getMessage(), failure);
        }
    }

    @Override
    public InputStream open(String hash) throws IOException {
        String key = key(hash);
        try {
            return new VerifyingInputStream(s3.getObject(r -> r.bucket(bucket).key(key)), hash);
        } catch (SdkException e) {
            throw readFailure(hash, key, e);
        }
    }

    /** One ranged GET: only the bytes asked for travel (dataset objects inside a pack). */
    @Override
    public InputStream openRange(String hash, long offset, long length) throws IOException {
        String key = key(hash);
        if (length <= 0) {
            return InputStream.nullInputStream();
        }
        try {
            return s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (SdkException e) {
            throw readFailure(hash, key, e);
        }
    }

    @Override
    public boolean delete(String hash) throws IOException {
        String key = key(hash);
        if (!exists(key)) {
            return false;
        }
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (SdkException e) {
            throw failure("DELETE", key, e);
        }
    }

    @Override
    public Stream<String> list() throws IOException {
        String base = prefix + "sha256/";
        try {
            return s3
                    .listObjectsV2Paginator(r -> r.bucket(bucket).prefix(base).maxKeys(options.listPageSize()))
                    .contents()
                    .stream()
                    .map(o -> toAddress(o.key().substring(base.length())))
                    .filter(a -> a != null);
        } catch (SdkException e) {
            throw failure("LIST", base, e);
        }
    }

    /**
     * What a gc sweeps: temporary objects under {@code tmp/} older than {@code maxAgeMillis}, and
     * multipart uploads under {@code tmp/} started more than {@link #UPLOAD_MAX_AGE} (or
     * {@code maxAgeMillis}, if longer) ago, as left by writers killed mid-upload. An upload is
     * given a day, not the gc's grace, because a large stream on a slow link may take hours and
     * S3 offers no way to tell a live upload from a dead one. Uploads straight to a blob's address
     * are never aborted here: a live writer may be completing one; abandoned ones are what the
     * bucket's lifecycle rule (abort incomplete multipart uploads) is for.
     */
    @Override
    public int sweepTemporaries(long maxAgeMillis) throws IOException {
        Instant now = Instant.now();
        return sweepTemporaries(
                now.minusMillis(maxAgeMillis), now.minusMillis(Math.max(maxAgeMillis, UPLOAD_MAX_AGE.toMillis())));
    }

    /** As {@link #sweepTemporaries(long)}, for what under {@code tmp/} was written or started before {@code cutoff}. */
    public int sweepTemporaries(Instant cutoff) throws IOException {
        return sweepTemporaries(cutoff, cutoff);
    }

    private int sweepTemporaries(Instant objectCutoff, Instant uploadCutoff) throws IOException {
        String tmp = prefix + "tmp/";
        int removed = 0;
        try {
            for (S3Object o :
                    s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(tmp)).contents()) {
                if (o.lastModified().isBefore(objectCutoff)) {
                    s3.deleteObject(r -> r.bucket(bucket).key(o.key()));
                    removed++;
                }
            }
            for (var u : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(tmp))
                    .uploads()) {
                if (u.key().startsWith(tmp) && u.initiated().isBefore(uploadCutoff)) {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw failure("sweep", tmp, e);
        }
        return removed;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        s3.close();
    }

    @Override
    public String toString() {
        return "S3BlobStore[" + options.location() + "]";
    }

    private MultipartUpload start(String key, Consumer<byte[]> recycle) {
        return MultipartUpload.start(s3, bucket, key, pool, options.partsInFlight(), recycle);
    }

    /** What must hold before a multipart upload is completed; throwing aborts it. */
    @FunctionalInterface
    private interface BeforeComplete {
        void check() throws IOException;
    }

    /**
     * Sends {@code first} and then the rest of {@code in} to {@code key} as one multipart upload,
     * feeding what it reads from {@code in} into {@code md} (when not null), and completes it
     * once {@code beforeComplete} passes; otherwise the upload is aborted and nothing appears
     * under {@code key}. Part buffers come back once sent, so at most partsInFlight + 1 exist.
     * Returns the bytes sent.
     */
    private long multipart(String key, byte[] first, InputStream in, MessageDigest md, BeforeComplete beforeComplete)
            throws IOException {
        Queue<byte[]> spare = new ConcurrentLinkedQueue<>();
        long total = 0;
        try (MultipartUpload upload = start(key, spare::offer)) {
            byte[] buf = first;
            int n = first.length;
            while (true) {
                if (n > 0) {
                    upload.submit(buf, n);
                    total += n;
                }
                buf = spare.poll();
                if (buf == null) {
                    buf = new byte[options.partSize()];
                }
                n = readFully(in, buf);
                if (n == 0) {
                    break;
                }
                if (md != null) {
                    md.update(buf, 0, n);
                }
            }
            beforeComplete.check();
            upload.complete();
        }
        return total;
    }

    private void putSmall(String key, byte[] data, int length) throws IOException {
        try {
            s3.putObject(
                    r -> r.bucket(bucket).key(key).contentLength((long) length),
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream"));
        } catch (SdkException e) {
            throw failure("PUT", key, e);
        }
    }

    /** Server-side copy; beyond S3's single-copy limit, a multipart copy of ranges. */
    private void copy(String from, String to, long size) throws IOException {
        if (size <= copyLimit) {
            s3.copyObject(r -> r.sourceBucket(bucket)
                    .sourceKey(from)
                    .destinationBucket(bucket)
                    .destinationKey(to));
            return;
        }
        long partSize = Math.max(S3Options.MIN_PART_SIZE, Math.min(COPY_PART, copyLimit));
        String uploadId =
                s3.createMultipartUpload(r -> r.bucket(bucket).key(to)).uploadId();
        boolean done = false;
        try {
            List<Future<CompletedPart>> parts = new ArrayList<>();
            for (long start = 0; start < size; start += partSize) {
                int number = parts.size() + 1;
                String range = "bytes=" + start + "-" + (Math.min(size, start + partSize) - 1);
                parts.add(pool.submit(() -> {
                    String etag = s3.uploadPartCopy(r -> r.sourceBucket(bucket)
                                    .sourceKey(from)
                                    .destinationBucket(bucket)
                                    .destinationKey(to)
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .copySourceRange(range))
                            .copyPartResult()
                            .eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                }));
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> f : parts) {
                completed.add(f.get());
            }
            s3.completeMultipartUpload(
                    r -> r.bucket(bucket).key(to).uploadId(uploadId).multipartUpload(m -> m.parts(completed)));
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while copying " + url(from), e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SdkException se ? failure("copy", from, se) : new IOException(e.getCause());
        } finally {
            if (!done) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(to).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // Left for sweepTemporaries or a lifecycle rule.
                }
            }
        }
    }

    private boolean exists(String key) throws IOException {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (SdkException e) {
            if (absent(e)) {
                return false;
            }
            throw failure("HEAD", key, e);
        }
    }

    /**
     * True when S3 answered that the object is not there; any other answer (a missing bucket,
     * refused credentials, no answer) is a failure, never absence.
     */
    private static boolean absent(SdkException e) {
        return e instanceof NoSuchKeyException
                || e instanceof S3Exception s
                        && s.statusCode() == 404
                        && !(e instanceof NoSuchBucketException)
                        && !"NoSuchBucket".equals(errorCode(s));
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** A GET's failure as the SPI reports it: absence as NoSuchFileException, the rest as failures. */
    private IOException readFailure(String hash, String key, SdkException e) {
        if (absent(e)) {
            return new NoSuchFileException(url(key), null, "blob " + hash + " is not in " + options.location());
        }
        return failure("GET", key, e);
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException ignored) {
            // A leftover temporary is harmless; sweepTemporaries removes it.
        }
    }

    private IOException failure(String what, String key, SdkException e) {
        return new IOException(
                "S3 " + what + " of " + url(key) + " failed: " + e.getMessage()
                        + " (check the bucket, KEEL_S3_ENDPOINT, KEEL_S3_REGION and the credentials)",
                e);
    }

    private String url(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private static String toAddress(String shardedKey) {
        // "ab/<62 hex>" under sha256/; anything else in the folder is not a blob.
        if (shardedKey.length() != 65 || shardedKey.charAt(2) != '/') {
            return null;
        }
        String address = Hashes.PREFIX + shardedKey.substring(0, 2) + shardedKey.substring(3);
        try {
            Hashes.hex(address);
            return address;
        } catch (KeelException e) {
            return null;
        }
    }

    /** The bytes read for the upload (in {@code md}) hash to what the file hashed to before. */
    private static void requireSameHash(Path file, String hash, MessageDigest md) throws IOException {
        String now = Hashes.address(md.digest());
        if (!now.equals(hash)) {
            throw new IOException(file + " changed while it was being stored (" + hash + ", then " + now
                    + "); nothing was stored: store it again once it is no longer being written");
        }
    }

    private static String hashFile(Path file) throws IOException {
        MessageDigest md = Hashes.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hashes.address(md.digest());
    }

    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int total = 0;
        while (total < buf.length) {
            int n = in.read(buf, total, buf.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
