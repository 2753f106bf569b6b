package dev.keel.core.blob;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link BlobStore} promises, run once per back end (local folder, S3 bucket…): a
 * subclass supplies a fresh empty store and a way to damage a stored blob behind its back.
 */
public abstract class BlobStoreContractTest {
    /** Large enough to cross every back end's single-request limit (S3's multipart threshold). */
    protected static final int LARGE = 12 << 20;

    protected static final long HUGE = 64L << 20;

    @TempDir
    protected Path tmp;

    protected BlobStore store;

    /** A fresh, empty store; called before each test. */
    protected abstract BlobStore createStore() throws IOException;

    /** Flips one stored byte of {@code hash} at {@code offset}, bypassing the store's checks. */
    protected abstract void flipByte(String hash, long offset) throws IOException;

    /** Fails when a put left temporary data behind (temporary files, keys, unfinished uploads). */
    protected abstract void assertNoTemporaries() throws IOException;

    /**
     * A store whose storage fails every call (unreachable, refused, not a folder), never one that
     * is merely empty: failures must not read as absent content.
     */
    protected abstract BlobStore brokenStore() throws IOException;

    /** The location {@link BlobStores#open} resolves to this same store in another JVM. */
    protected abstract String location();

    /** Environment the other JVM needs to reach the store (endpoint, credentials…). */
    protected Map<String, String> childEnvironment() {
        return Map.of();
    }

    @BeforeEach
    void openStore() throws IOException {
        store = createStore();
    }

    @Test
    void putReturnsTheContentAddressAndReadsBack() throws IOException {
        byte[] data = "hello, keel".getBytes(StandardCharsets.UTF_8);
        String hash = store.put(new ByteArrayInputStream(data));
        assertEquals(Hashes.of(data), hash);
        assertTrue(store.has(hash));
        assertEquals(data.length, store.size(hash));
        assertArrayEquals(data, read(hash));
    }

    @Test
    void putFileStoresTheFilesBytes() throws IOException {
        byte[] data = GeneratedStream.bytes(1, 300_000);
        Path file = Files.write(tmp.resolve("in.bin"), data);
        String hash = store.putFile(file);
        assertEquals(Hashes.of(data), hash);
        assertArrayEquals(data, read(hash));
    }

    @Test
    void largeFileIsStoredWhole() throws IOException {
        Path file = tmp.resolve("large.bin");
        try (InputStream in = new GeneratedStream(2, LARGE)) {
            Files.copy(in, file);
        }
        String hash = store.putFile(file);
        assertEquals(GeneratedStream.addressOf(2, LARGE), hash);
        assertEquals(LARGE, store.size(hash));
        assertEquals(hash, hashOf(store.open(hash)));
        assertNoTemporaries();
    }

    @Test
    void largeStreamIsStoredWholeWithoutTemporaries() throws IOException {
        String hash = store.put(new GeneratedStream(3, LARGE + 12345));
        assertEquals(GeneratedStream.addressOf(3, LARGE + 12345), hash);
        assertEquals(LARGE + 12345, store.size(hash));
        assertEquals(hash, hashOf(store.open(hash)));
        assertNoTemporaries();
    }

    @Test
    void emptyBlobIsABlobLikeAnyOther() throws IOException {
        String hash = store.put(InputStream.nullInputStream());
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
        assertEquals(0, store.size(hash));
        assertArrayEquals(new byte[0], read(hash));
    }

    @Test
    void identicalContentIsStoredOnce() throws IOException {
        byte[] data = GeneratedStream.bytes(4, 50_000);
        String first = store.put(new ByteArrayInputStream(data));
        String second = store.put(new ByteArrayInputStream(data));
        String third = store.putFile(Files.write(tmp.resolve("same.bin"), data));
        assertEquals(first, second);
        assertEquals(first, third);
        assertEquals(List.of(first), listed());
        assertArrayEquals(data, read(first));
    }

    @Test
    void listEnumeratesEveryStoredBlob() throws IOException {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 23; i++) {
            expected.add(store.put(new ByteArrayInputStream(("blob " + i).getBytes(StandardCharsets.UTF_8))));
        }
        assertEquals(23, expected.size());
        assertEquals(expected, new HashSet<>(listed()));
    }

    @Test
    void deleteRemovesOnlyThatBlob() throws IOException {
        String a = store.put(new ByteArrayInputStream(new byte[] {1}));
        String b = store.put(new ByteArrayInputStream(new byte[] {2}));
        assertTrue(store.delete(a));
        assertFalse(store.delete(a), "a second delete finds nothing");
        assertFalse(store.has(a));
        assertEquals(-1, store.size(a));
        assertTrue(store.has(b));
        assertEquals(List.of(b), listed());
    }

    @Test
    void copyToWritesTheBlobIntoNewFoldersAndReplacesAnOldFile() throws IOException {
        byte[] data = GeneratedStream.bytes(5, 70_000);
        String hash = store.put(new ByteArrayInputStream(data));
        Path target = tmp.resolve("out/deeper/copy.bin");
        store.copyTo(hash, target);
        assertArrayEquals(data, Files.readAllBytes(target));
        Files.writeString(target, "older content");
        store.copyTo(hash, target);
        assertArrayEquals(data, Files.readAllBytes(target));
    }

    @Test
    void flippedByteIsDetectedOnRead() throws IOException {
        byte[] data = GeneratedStream.bytes(6, 200_000);
        String hash = store.put(new ByteArrayInputStream(data));
        flipByte(hash, 1000);

        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> read(hash));
        assertEquals(hash, e.hash());
        assertTrue(
                e.getMessage().startsWith("blob " + hash + " is damaged: its content hashes to sha256:"),
                e.getMessage());

        Path copies = Files.createDirectories(tmp.resolve("copies"));
        Path target = copies.resolve("damaged.bin");
        Files.writeString(target, "keep me");
        assertThrows(CorruptBlobException.class, () -> store.copyTo(hash, target));
        assertEquals("keep me", Files.readString(target), "a failed copy leaves the old file alone");
        try (Stream<Path> files = Files.list(copies)) {
            assertEquals(
                    Set.of("damaged.bin"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "a failed copy leaves no temporary file");
        }
    }

    @Test
    void missingBlobFailsWithItsAddressInTheMessage() throws IOException {
        String hash = Hashes.of("never stored".getBytes(StandardCharsets.UTF_8));
        assertFalse(store.has(hash));
        assertEquals(-1, store.size(hash));
        assertFalse(store.delete(hash));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> store.open(hash));
        assertTrue(e.getMessage().contains("blob " + hash + " is not in "), e.getMessage());
        e = assertThrows(NoSuchFileException.class, () -> store.openRange(hash, 0, 1));
        assertTrue(e.getMessage().contains("blob " + hash + " is not in "), e.getMessage());
        Path target = tmp.resolve("missing.bin");
        assertThrows(NoSuchFileException.class, () -> store.copyTo(hash, target));
        assertFalse(Files.exists(target));
    }

    @Test
    void storageFailuresAreNeverReadAsAbsentContent() throws IOException {
        String hash = Hashes.of("never stored".getBytes(StandardCharsets.UTF_8));
        BlobStore broken = brokenStore();
        try {
            for (Runnable check : List.<Runnable>of(() -> broken.has(hash), () -> broken.size(hash))) {
                KeelException e = assertThrows(KeelException.class, check::run);
                assertEquals(KeelException.ErrorCode.STORAGE_FAILURE, e.code());
            }
            for (IoCall call : List.<IoCall>of(
                    () -> broken.open(hash).close(),
                    () -> broken.openRange(hash, 0, 1).close(),
                    () -> broken.delete(hash),
                    () -> broken.put(new ByteArrayInputStream(new byte[] {1})))) {
                IOException e = assertThrows(IOException.class, call::run);
                assertFalse(e instanceof NoSuchFileException, "a failure read as absence: " + e);
            }
        } finally {
            if (broken instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the broken store's own resources; nothing to check
                }
            }
        }
    }

    private interface IoCall {
        void run() throws IOException;
    }

    @Test
    void invalidAddressesAreRejectedBeforeAnyIo() {
        char[] upper = new char[64];
        Arrays.fill(upper, 'A');
        List<String> bad = Arrays.asList(
                null,
                "",
                "sha256:",
                "md5:d41d8cd98f00b204e9800998ecf8427e",
                "sha256:" + "a".repeat(63),
                "sha256:" + "a".repeat(65),
                "sha256:" + new String(upper),
                "sha256:../../../../../../../../../../../../../../../../../../../../../../../etc/passwd",
                "sha256:" + "g".repeat(64),
                "SHA256:" + "a".repeat(64));
        Path target = tmp.resolve("never.bin");
        for (String address : bad) {
            List<Executable> calls = List.of(
                    () -> store.has(address),
                    () -> store.size(address),
                    () -> store.open(address),
                    () -> store.copyTo(address, target),
                    () -> store.delete(address));
            for (Executable call : calls) {
                KeelException e = assertThrows(KeelException.class, call::run, "address " + address);
                assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
                assertTrue(e.getMessage().startsWith("'" + address + "' is not a blob address"), e.getMessage());
            }
        }
        assertFalse(Files.exists(target));
    }

    @Test
    void concurrentPutsOfTheSameContentStoreItOnce() throws Exception {
        String expectedLarge = GeneratedStream.addressOf(7, LARGE);
        byte[] small = GeneratedStream.bytes(8, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> puts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                puts.add(() -> store.put(new GeneratedStream(7, LARGE)));
            }
            for (int i = 0; i < 5; i++) {
                puts.add(() -> store.put(new ByteArrayInputStream(small)));
            }
            Set<String> results = new HashSet<>();
            for (Future<String> f : pool.invokeAll(puts, 5, TimeUnit.MINUTES)) {
                results.add(f.get());
            }
            assertEquals(Set.of(expectedLarge, Hashes.of(small)), results);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Set.of(expectedLarge, Hashes.of(small)), new HashSet<>(listed()));
        assertEquals(expectedLarge, hashOf(store.open(expectedLarge)));
        assertNoTemporaries();
    }

    @Test
    void failedPutStoresNothing() throws IOException {
        assertThrows(IOException.class, () -> store.put(new GeneratedStream(9, LARGE, LARGE - 100)));
        assertThrows(IOException.class, () -> store.put(new GeneratedStream(10, 1000, 500)));
        assertEquals(List.of(), listed());
        assertNoTemporaries();
    }

    /** 64 MiB through a JVM whose whole heap is smaller than the blob: streaming, not buffering. */
    @Test
    void hugeBlobStreamsThroughABoundedHeap() throws Exception {
        String expected = GeneratedStream.addressOf(11, HUGE);
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                BlobStoreChild.class.getName(),
                location(),
                "11",
                Long.toString(HUGE));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(childEnvironment());
        Process child = pb.start();
        String output;
        try (InputStream out = child.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(child.waitFor(3, TimeUnit.MINUTES), "child did not finish");
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("put " + expected + "\n"), output);
        assertTrue(output.contains("read " + expected + " " + HUGE + "\n"), output);
        assertTrue(store.has(expected));
        assertEquals(HUGE, store.size(expected));
        assertNoTemporaries();
    }

    @Test
    void putWithAKnownAddressChecksTheBytes() throws IOException {
        String hash = hashOf(new GeneratedStream(5, LARGE));
        assertEquals(hash, store.put(new GeneratedStream(5, LARGE), hash));
        assertEquals(hash, hashOf(store.open(hash)));
        assertEquals(hash, store.put(new GeneratedStream(5, LARGE), hash), "storing it again is fine");
        String other = hashOf(new GeneratedStream(6, LARGE));
        KeelException e = assertThrows(KeelException.class, () -> store.put(new GeneratedStream(7, LARGE), other));
        assertTrue(e.getMessage().contains("hash to"), e.getMessage());
        assertFalse(store.has(other), "nothing is stored under an address the bytes do not have");
        assertNoTemporaries();
    }

    @Test
    void rangesReadJustTheirBytes() throws IOException {
        String hash = store.put(new ByteArrayInputStream("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        try (InputStream in = store.openRange(hash, 3, 5)) {
            assertEquals("34567", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        try (InputStream in = store.openRange(hash, 14, 2)) {
            assertEquals("ef", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    protected byte[] read(String hash) throws IOException {
        try (InputStream in = store.open(hash)) {
            return in.readAllBytes();
        }
    }

    protected List<String> listed() throws IOException {
        try (Stream<String> s = store.list()) {
            return s.sorted().collect(Collectors.toList());
        }
    }

    protected static String hashOf(InputStream stream) throws IOException {
        var md = Hashes.sha256();
        try (InputStream in = stream) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return Hashes.address(md.digest());
    }

    @FunctionalInterface
    private interface Executable {
        void run() throws Exception;
    }
}
