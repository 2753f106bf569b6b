package dev.keel.blob.s3;

import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.BlobStoreContractTest;
import dev.keel.core.blob.BlobStores;
import dev.keel.core.blob.GeneratedStream;
import dev.keel.core.blob.Hashes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The blob store contract against a real S3 protocol server, plus what only S3 has. */
class S3BlobStoreTest extends BlobStoreContractTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    static Path serverDir;

    private static S3ProxyServer server;
    private static S3Client raw;

    private final Map<String, AtomicInteger> requests = S3ProxyServer.newCounts();
    private S3Options options;
    private S3BlobStore s3store;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3ProxyServer(serverDir);
        raw = S3Clients.create(server.options(""));
    }

    @AfterAll
    static void stopServer() throws Exception {
        raw.close();
        server.close();
    }

    @Override
    protected BlobStore createStore() {
        // A fresh prefix per test is a fresh, empty store; a small list page makes every list paginate.
        options = server.options("runs/t" + PREFIXES.incrementAndGet()).withTransfer(S3Options.MIN_PART_SIZE, 2, 7);
        s3store = new S3BlobStore(S3ProxyServer.countingClient(options, requests), options);
        return s3store;
    }

    @AfterEach
    void closeStore() {
        s3store.close();
    }

    /** The right server with a wrong secret: every request is refused (403). */
    @Override
    protected BlobStore brokenStore() {
        return new S3BlobStore(server.options("runs/broken").withCredentials(S3ProxyServer.ACCESS_KEY, "wrong-secret"));
    }

    @Override
    protected void flipByte(String hash, long offset) {
        String key = s3store.key(hash);
        byte[] data = raw.getObjectAsBytes(r -> r.bucket(S3ProxyServer.BUCKET).key(key))
                .asByteArray();
        data[(int) offset] ^= 0x01;
        raw.putObject(r -> r.bucket(S3ProxyServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }

    @Override
    protected void assertNoTemporaries() {
        List<String> leftovers = keysUnder(options.prefix() + "tmp/");
        assertEquals(List.of(), leftovers, "temporary objects left");
        var uploads = raw.listMultipartUploads(
                        r -> r.bucket(S3ProxyServer.BUCKET).prefix(options.prefix()))
                .uploads();
        assertEquals(
                List.of(), uploads.stream().map(u -> u.key()).collect(Collectors.toList()), "unfinished uploads left");
    }

    @Override
    protected String location() {
        return options.location();
    }

    @Override
    protected Map<String, String> childEnvironment() {
        return server.environment();
    }

    @Test
    void blobsLiveUnderThePrefixInTheLocalLayout() throws IOException {
        String hash = store.put(new ByteArrayInputStream(new byte[] {42}));
        String hex = Hashes.hex(hash);
        assertEquals(
                List.of(options.prefix() + "sha256/" + hex.substring(0, 2) + "/" + hex.substring(2)),
                keysUnder(options.prefix()));
    }

    @Test
    void largeStreamsGoUpInPartsAndSmallOnesInOneRequest() throws IOException {
        store.put(new ByteArrayInputStream(new byte[1000]));
        assertEquals(1, count("PutObject"));
        assertEquals(0, count("CreateMultipartUpload"));

        store.put(new GeneratedStream(20, 3L * S3Options.MIN_PART_SIZE + 1));
        assertEquals(1, count("CreateMultipartUpload"));
        assertEquals(4, count("UploadPart"));
        assertEquals(1, count("CopyObject"), "copied from its temporary key to its address");
    }

    @Test
    void contentTheBucketHasIsNotSentAgain() throws IOException {
        Path file = tmp.resolve("big.bin");
        try (InputStream in = new GeneratedStream(21, 2L * S3Options.MIN_PART_SIZE + 7)) {
            Files.copy(in, file);
        }
        String hash = store.putFile(file);
        assertEquals(2 + 1, count("UploadPart"), "a file goes straight to its address in parts");
        assertEquals(0, count("CopyObject"));
        byte[] small = GeneratedStream.bytes(23, 1000);
        String smallHash = store.put(new ByteArrayInputStream(small));
        requests.clear();

        assertEquals(hash, store.putFile(file));
        assertEquals(smallHash, store.put(new ByteArrayInputStream(small)));
        assertEquals(Map.of("HeadObject", 2), snapshot(), "only asked, never sent");

        // A stream larger than a part cannot be hashed before it is sent; it goes to a temporary
        // key, and only the copy to its address is skipped.
        requests.clear();
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(hash, store.put(in));
        }
        assertEquals(0, count("CopyObject"));
        assertNoTemporaries();
    }

    @Test
    void listFollowsEveryPage() throws IOException {
        for (int i = 0; i < 17; i++) {
            store.put(new ByteArrayInputStream(new byte[] {(byte) i}));
        }
        requests.clear();
        assertEquals(17, listed().size());
        // 17 blobs in pages of 7 (plus any folder markers the filesystem back end lists).
        assertTrue(count("ListObjectsV2") >= 3, "pages fetched: " + snapshot());
    }

    @Test
    void blobsBeyondTheSingleCopyLimitAreCopiedInRanges() throws IOException {
        s3store.copyLimit = S3Options.MIN_PART_SIZE + 1;
        long size = 2L * S3Options.MIN_PART_SIZE + 99;
        String hash = store.put(new GeneratedStream(22, size));
        assertEquals(GeneratedStream.addressOf(22, size), hash);
        assertEquals(3, count("UploadPartCopy"));
        assertEquals(0, count("CopyObject"));
        assertEquals(hash, hashOf(store.open(hash)));
        assertNoTemporaries();
    }

    @Test
    void wrongCredentialsFailWithTheLocationAndTheFix() {
        S3Options bad = options.withCredentials(S3ProxyServer.ACCESS_KEY, "not-the-secret");
        try (S3BlobStore wrong = new S3BlobStore(bad)) {
            IOException e = assertThrows(IOException.class, () -> wrong.put(new ByteArrayInputStream(new byte[] {1})));
            assertTrue(
                    e.getMessage().startsWith("S3 HEAD of s3://keel-test/" + options.prefix() + "sha256/"),
                    e.getMessage());
            assertTrue(
                    e.getMessage().endsWith("(check the bucket, KEEL_S3_ENDPOINT, KEEL_S3_REGION and the credentials)"),
                    e.getMessage());
        }
    }

    @Test
    void s3LocationsOpenAnS3Store() {
        BlobStore opened = BlobStores.open("s3://some-bucket/a/b");
        assertInstanceOf(S3BlobStore.class, opened);
        assertEquals("s3://some-bucket/a/b", ((S3BlobStore) opened).options().location());
        ((S3BlobStore) opened).close();
    }

    @Test
    void sweepRemovesAbandonedTemporaries() throws Exception {
        String key = options.prefix() + "tmp/abandoned";
        raw.putObject(r -> r.bucket(S3ProxyServer.BUCKET).key(key), RequestBody.fromBytes(new byte[] {1, 2}));
        raw.createMultipartUpload(r -> r.bucket(S3ProxyServer.BUCKET).key(options.prefix() + "tmp/unfinished"));
        assertEquals(0, s3store.sweepTemporaries(3_600_000), "young temporaries may belong to a live writer");
        // S3Proxy reports an upload's initiation time as the time of listing, so age alone cannot
        // single it out here; a cutoff in the future takes everything.
        assertEquals(2, s3store.sweepTemporaries(Instant.now().plusSeconds(60)));
        assertNoTemporaries();
    }

    /**
     * A gc's sweep while another writer streams a large blob straight to its address: the sweep
     * keeps to the temporary area, so the writer's upload completes and the blob reads back whole.
     */
    @Test
    void aSweepLeavesAnUploadInFlightToItsAddressAlone() throws Exception {
        byte[] data = new GeneratedStream(31, 3L * S3Options.MIN_PART_SIZE + 11).readAllBytes();
        String hash = Hashes.of(data);
        raw.createMultipartUpload(r -> r.bucket(S3ProxyServer.BUCKET).key(options.prefix() + "tmp/abandoned"));
        try (PausingStream in = new PausingStream(data, S3Options.MIN_PART_SIZE + 1)) {
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return s3store.put(in, hash);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            in.paused.await();
            assertEquals(1, uploadsUnder(options.prefix() + "sha256/").size(), "the writer's upload is in flight");
            // A cutoff in the future makes every upload look old (S3Proxy reports none as older).
            assertEquals(1, s3store.sweepTemporaries(Instant.now().plusSeconds(60)), "only the abandoned temporary");
            in.resume.countDown();
            assertEquals(hash, writer.get(60, TimeUnit.SECONDS));
        }
        try (InputStream back = s3store.open(hash)) {
            assertArrayEquals(data, back.readAllBytes(), "read back and verified against its address");
        }
        assertNoTemporaries();
    }

    /** The sweep a gc runs (an age, not a cutoff) never aborts a young upload in the temporary area. */
    @Test
    void theGcSweepLeavesAStreamOfUnknownHashInFlightAlone() throws Exception {
        byte[] data = new GeneratedStream(32, 2L * S3Options.MIN_PART_SIZE + 5).readAllBytes();
        try (PausingStream in = new PausingStream(data, S3Options.MIN_PART_SIZE + 1)) {
            CompletableFuture<String> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return s3store.put(in);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            in.paused.await();
            assertEquals(1, uploadsUnder(options.prefix() + "tmp/").size(), "the writer's upload is in flight");
            assertEquals(0, s3store.sweepTemporaries(0));
            in.resume.countDown();
            assertEquals(Hashes.of(data), writer.get(60, TimeUnit.SECONDS));
        }
        try (InputStream back = s3store.open(Hashes.of(data))) {
            assertArrayEquals(data, back.readAllBytes());
        }
        assertNoTemporaries();
    }

    private List<String> uploadsUnder(String keyPrefix) {
        return raw.listMultipartUploads(r -> r.bucket(S3ProxyServer.BUCKET).prefix(keyPrefix)).uploads().stream()
                .map(u -> u.key())
                .collect(Collectors.toList());
    }

    /** The bytes, stopping once {@code pauseAt} of them were read until the test resumes it. */
    private static final class PausingStream extends InputStream {
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        private final byte[] data;
        private final int pauseAt;
        private int pos;

        PausingStream(byte[] data, int pauseAt) {
            this.data = data;
            this.pauseAt = pauseAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos == pauseAt && paused.getCount() > 0) {
                paused.countDown();
                try {
                    if (!resume.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("the test never resumed the stream");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            if (pos >= data.length) {
                return -1;
            }
            int limit = pos < pauseAt ? pauseAt : data.length;
            int n = Math.min(len, limit - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private int count(String operation) {
        AtomicInteger n = requests.get(operation);
        return n == null ? 0 : n.get();
    }

    private Map<String, Integer> snapshot() {
        return requests.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    private static List<String> keysUnder(String prefix) {
        return raw.listObjectsV2Paginator(r -> r.bucket(S3ProxyServer.BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .filter(k -> !k.endsWith("/")) // folder markers of the filesystem back end
                .sorted()
                .collect(Collectors.toList());
    }
}
