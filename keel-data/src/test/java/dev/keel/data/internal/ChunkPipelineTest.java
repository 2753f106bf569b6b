package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LargeFile}: chunks cut across slabs equal those of one buffer; the hashes of the pipeline
 * equal a plain SHA-256 over the same bytes; the file's own pack holds exactly the bytes it says;
 * failures end the pipeline cleanly.
 */
class ChunkPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void chunksAcrossSlabBoundariesEqualThoseOfTheWholeFileInOneBuffer() throws Exception {
        byte[] random = new byte[3 * LargeFile.SLAB + 77_777];
        new Random(9).nextBytes(random);
        // Zeros never match the cut mask, so every chunk is MAX long and some end exactly at a slab's edge.
        byte[] zeros = new byte[2 * LargeFile.SLAB + 5];
        for (byte[] content : new byte[][] {random, zeros}) {
            Path file = tmp.resolve("f" + content.length);
            Files.write(file, content);
            List<Entry.Chunk> seen = new ArrayList<>();
            LargeFile.Result r = LargeFile.read(file, (hex, bytes, off, len) -> {
                assertEquals(Hashes.of(Arrays.copyOfRange(bytes, off, off + len)), Hashes.PREFIX + hex);
                seen.add(new Entry.Chunk(hex, len));
            });
            assertEquals(oneBuffer(content), r.chunks());
            assertEquals(r.chunks(), seen, "the sink sees every chunk, in file order");
            assertEquals(content.length, r.size());
            assertEquals(Hashes.of(content), Hashes.PREFIX + r.hex());
        }
    }

    @Test
    void aFailingSinkEndsTheReadWithItsErrorInsteadOfHanging() throws Exception {
        byte[] content = new byte[4 * LargeFile.SLAB];
        new Random(3).nextBytes(content);
        Path file = tmp.resolve("big");
        Files.write(file, content);
        AtomicInteger calls = new AtomicInteger();
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        IOException.class,
                        () -> LargeFile.read(file, (hex, bytes, off, len) -> {
                            if (calls.incrementAndGet() == 10) {
                                throw new IOException("No space left on device");
                            }
                        })));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(10, calls.get(), "no chunk is handed on after the failure");
        // The pipeline is reusable afterwards: its buffers and thread were all given back.
        assertEquals(
                oneBuffer(content),
                LargeFile.read(file, (hex, bytes, off, len) -> {}).chunks());
    }

    @Test
    void aFileTruncatedWhileItIsReadEndsTheAddWithAnErrorNamingIt() throws Exception {
        byte[] content = new byte[16 * LargeFile.SLAB];
        new Random(11).nextBytes(content);
        Path file = tmp.resolve("shrinking");
        Files.write(file, content);
        AtomicInteger calls = new AtomicInteger();
        // The reader is at most a few slabs ahead of the first chunk, so most of the file is read
        // after it was cut to nothing.
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        IOException.class,
                        () -> LargeFile.read(file, (hex, bytes, off, len) -> {
                            if (calls.incrementAndGet() == 1) {
                                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                                    ch.truncate(0);
                                }
                            }
                        })));
        assertTrue(e.getMessage().contains("became shorter while it was read"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** Sizes at the edges: one chunk's minimum and maximum, a slab, and one byte either side. */
    @Test
    void theOwnPackOfANewFileIsTheFileItselfAtItsOwnHash() throws Exception {
        int[] sizes = {
            0,
            1,
            Chunker.MIN,
            Chunker.MIN + 1,
            Chunker.MAX - 1,
            Chunker.MAX,
            Chunker.MAX + 1,
            LargeFile.SLAB - 1,
            LargeFile.SLAB,
            LargeFile.SLAB + 1,
            3 * LargeFile.SLAB + 77_777
        };
        for (int size : sizes) {
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            Path file = tmp.resolve("own-" + size);
            Files.write(file, content);
            LocalBlobStore blobs = new LocalBlobStore(tmp.resolve("blobs-" + size));
            List<Entry.Chunk> toSink = new ArrayList<>();
            LargeFile.Result r =
                    LargeFile.read(file, (hex, bytes, off, len) -> toSink.add(new Entry.Chunk(hex, len)), blobs);

            assertEquals(MessageDigests.sha256Hex(content), r.hex(), "whole-file hash, size " + size);
            assertEquals(size, r.size());
            assertEquals(oneBuffer(content), r.chunks(), "chunks, size " + size);
            assertEquals(List.of(), toSink, "every chunk is new, so the file's pack takes them all");
            if (size == 0) {
                assertEquals(List.of(), r.packed());
                assertFalse(Files.exists(blobs.root().resolve("sha256")), "no pack for an empty file");
                continue;
            }
            assertEquals(size, r.packedBytes());
            String address = Hashes.PREFIX + r.hex();
            assertArrayEquals(content, Files.readAllBytes(blobs.path(address)), "the pack's bytes are the file's");
            assertLocationsMatch(r.packed(), r.chunks(), address, blobs);
            assertEquals(List.of(), temporaries(blobs), "no temporary file is left");
        }
    }

    @Test
    void aChunkAlreadyStoredEndsTheOwnPackThereAndTheRestGoesToTheSink() throws Exception {
        byte[] content = new byte[3 * LargeFile.SLAB + 12_345];
        new Random(21).nextBytes(content);
        Path file = tmp.resolve("partly-known");
        Files.write(file, content);
        List<Entry.Chunk> all = oneBuffer(content);
        int firstKnown = all.size() / 2;
        Set<String> known = Set.of(all.get(firstKnown).hash());
        LocalBlobStore blobs = new LocalBlobStore(tmp.resolve("blobs"));
        List<Entry.Chunk> toSink = new ArrayList<>();
        LargeFile.Result r = LargeFile.read(
                file,
                new LargeFile.ChunkSink() {
                    @Override
                    public boolean claim(String hex) {
                        return !known.contains(hex);
                    }

                    @Override
                    public void chunk(String hex, byte[] bytes, int off, int len) {
                        assertEquals(MessageDigests.sha256Hex(Arrays.copyOfRange(bytes, off, off + len)), hex);
                        toSink.add(new Entry.Chunk(hex, len));
                    }
                },
                blobs);

        assertEquals(all, r.chunks());
        assertEquals(MessageDigests.sha256Hex(content), r.hex());
        List<Entry.Chunk> before = all.subList(0, firstKnown);
        assertEquals(all.subList(firstKnown + 1, all.size()), toSink, "new chunks after the known one go to the sink");
        long prefix = before.stream().mapToLong(Entry.Chunk::length).sum();
        byte[] head = Arrays.copyOf(content, (int) prefix);
        String address = Hashes.PREFIX + MessageDigests.sha256Hex(head);
        assertArrayEquals(head, Files.readAllBytes(blobs.path(address)), "the pack holds the bytes before it");
        assertLocationsMatch(r.packed(), before, address, blobs);
        assertEquals(prefix, r.packedBytes());
    }

    @Test
    void repeatedChunksAreStoredOnceAndTheFirstRepeatEndsTheOwnPack() throws Exception {
        // Zeros: every chunk is MAX long and the same, so the second one is already claimed.
        byte[] zeros = new byte[2 * LargeFile.SLAB + 5];
        Path file = tmp.resolve("zeros");
        Files.write(file, zeros);
        LocalBlobStore blobs = new LocalBlobStore(tmp.resolve("blobs"));
        Set<String> claimed = new HashSet<>();
        List<Entry.Chunk> toSink = new ArrayList<>();
        LargeFile.Result r = LargeFile.read(
                file,
                new LargeFile.ChunkSink() {
                    @Override
                    public boolean claim(String hex) {
                        return claimed.add(hex);
                    }

                    @Override
                    public void chunk(String hex, byte[] bytes, int off, int len) {
                        toSink.add(new Entry.Chunk(hex, len));
                    }
                },
                blobs);

        assertEquals(oneBuffer(zeros), r.chunks());
        assertEquals(1, r.packed().size(), "the first chunk only");
        assertEquals(Chunker.MAX, r.packedBytes());
        assertEquals(1, toSink.size(), "the short last chunk is new and goes to the sink");
        assertEquals(5 + (2 * LargeFile.SLAB) % Chunker.MAX, toSink.get(0).length());
        String address = Hashes.PREFIX + MessageDigests.sha256Hex(new byte[Chunker.MAX]);
        assertEquals(address, r.packed().get(0).pack());
    }

    @Test
    void theFirstChunkAlreadyStoredMeansNoOwnPack() throws Exception {
        byte[] content = new byte[LargeFile.SLAB + 3];
        new Random(4).nextBytes(content);
        Path file = tmp.resolve("known-start");
        Files.write(file, content);
        List<Entry.Chunk> all = oneBuffer(content);
        LocalBlobStore blobs = new LocalBlobStore(tmp.resolve("blobs"));
        List<Entry.Chunk> toSink = new ArrayList<>();
        LargeFile.Result r = LargeFile.read(
                file,
                new LargeFile.ChunkSink() {
                    @Override
                    public boolean claim(String hex) {
                        return !hex.equals(all.get(0).hash());
                    }

                    @Override
                    public void chunk(String hex, byte[] bytes, int off, int len) {
                        toSink.add(new Entry.Chunk(hex, len));
                    }
                },
                blobs);
        assertEquals(List.of(), r.packed());
        assertEquals(all.subList(1, all.size()), toSink);
        assertFalse(Files.exists(blobs.root().resolve("sha256")));
        assertEquals(List.of(), temporaries(blobs));
    }

    @Test
    void aFailureWritingTheOwnPackEndsTheReadWithTheDiskErrorAndStoresNothing() throws Exception {
        byte[] content = new byte[4 * LargeFile.SLAB];
        new Random(8).nextBytes(content);
        Path file = tmp.resolve("fails");
        Files.write(file, content);
        LocalBlobStore blobs = new LocalBlobStore(Files.createDirectories(tmp.resolve("blobs")));
        // The folder for temporary packs is a file: creating the pack fails on the writing thread.
        Files.writeString(blobs.root().resolve("tmp"), "in the way");
        AtomicInteger toSink = new AtomicInteger();
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        IOException.class,
                        () -> LargeFile.read(file, (hex, bytes, off, len) -> toSink.incrementAndGet(), blobs)));
        assertTrue(e.getMessage().contains("tmp"), e.getMessage());
        assertFalse(Files.exists(blobs.root().resolve("sha256")), "nothing reached an address");
        assertEquals(0, toSink.get(), "the pack took every chunk, so the sink got none");
        // Nothing was left holding a buffer or a thread.
        Files.delete(blobs.root().resolve("tmp"));
        assertEquals(
                oneBuffer(content),
                LargeFile.read(file, (hex, bytes, off, len) -> {}, blobs).chunks());
    }

    @Test
    void anOwnPackThatCannotReachItsAddressFailsItsDurabilityAndLeavesNothing() throws Exception {
        byte[] content = new byte[2 * LargeFile.SLAB + 5];
        new Random(23).nextBytes(content);
        Path file = tmp.resolve("no-address");
        Files.write(file, content);
        LocalBlobStore blobs = new LocalBlobStore(Files.createDirectories(tmp.resolve("blobs")));
        String address = Hashes.PREFIX + MessageDigests.sha256Hex(content);
        // The pack's shard folder is a file: the rename to its address fails after the read.
        Path shard = blobs.path(address).getParent();
        Files.createDirectories(shard.getParent());
        Files.writeString(shard, "in the way");

        LargeFile.Result r = LargeFile.start(file, (hex, bytes, off, len) -> {}, blobs, () -> {});

        assertEquals(MessageDigests.sha256Hex(content), r.hex(), "the read itself succeeded");
        assertEquals(content.length, r.packedBytes());
        IOException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> assertThrows(IOException.class, r::awaitDurable));
        assertTrue(e.getMessage().contains(shard.getFileName().toString()), e.getMessage());
        assertEquals(List.of(), temporaries(blobs), "the unfinished pack was deleted");
        assertEquals(
                List.of(),
                r.chunks().stream()
                        .map(Entry.Chunk::hash)
                        .filter(h -> Files.exists(blobs.path(Hashes.PREFIX + h)))
                        .toList());
    }

    @Test
    void aFileRewrittenWhileItIsReadEndsTheAddWithAnErrorAndStoresNothing() throws Exception {
        byte[] content = new byte[4 * LargeFile.SLAB];
        new Random(19).nextBytes(content);
        Path dir = Files.createDirectories(tmp.resolve("src"));
        Path file = dir.resolve("rewritten");
        Files.write(file, content);
        // A time long past, so the rewrite below moves it whatever the clock's granularity.
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        Scanner.Found found = Scanner.scan(dir).get(0);
        LocalBlobStore blobs = new LocalBlobStore(Files.createDirectories(tmp.resolve("blobs")));
        AtomicInteger calls = new AtomicInteger();
        KeelException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        KeelException.class,
                        () -> LargeFile.read(
                                file,
                                new LargeFile.ChunkSink() {
                                    @Override
                                    public boolean claim(String hex) {
                                        // While the first chunk is hashed, the writer changes three
                                        // bytes further on: same size, other bytes.
                                        if (calls.incrementAndGet() == 1) {
                                            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                                                ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 3L * LargeFile.SLAB);
                                            } catch (IOException io) {
                                                throw new UncheckedIOException(io);
                                            }
                                        }
                                        return true;
                                    }

                                    @Override
                                    public void chunk(String hex, byte[] bytes, int off, int len) {}
                                },
                                blobs,
                                () -> Scanner.checkUnchanged(found))));
        assertEquals(
                "cannot add 'rewritten': it changed while it was being read (its modification time changed); no"
                        + " version was recorded. Add it again once nothing writes to it",
                e.getMessage());
        assertTrue(calls.get() > 1, "the read went on to the end");
        assertFalse(Files.exists(blobs.root().resolve("sha256")), "the file's pack never reached an address");
        assertEquals(List.of(), temporaries(blobs), "nor was its temporary file left");
    }

    @Test
    void aFileThatGrewSinceItsScanIsReportedWithBothSizes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("grows"));
        Path file = dir.resolve("log.bin");
        byte[] content = new byte[LargeFile.SLAB];
        new Random(20).nextBytes(content);
        Files.write(file, content);
        Scanner.Found found = Scanner.scan(dir).get(0);
        Files.write(file, new byte[10], StandardOpenOption.APPEND);
        KeelException e = assertThrows(
                KeelException.class,
                () -> LargeFile.read(file, (hex, bytes, off, len) -> {}, null, () -> Scanner.checkUnchanged(found)));
        assertTrue(e.getMessage().contains("its size went from 4194304 to 4194314 bytes"), e.getMessage());
        // Unchanged, the same check passes.
        Scanner.Found again = Scanner.scan(dir).get(0);
        assertEquals(
                content.length + 10,
                LargeFile.read(file, (hex, bytes, off, len) -> {}, null, () -> Scanner.checkUnchanged(again))
                        .size());
    }

    private static void assertLocationsMatch(
            List<ObjectLocation> locations, List<Entry.Chunk> chunks, String address, LocalBlobStore blobs)
            throws IOException {
        assertEquals(chunks.size(), locations.size());
        byte[] pack = Files.readAllBytes(blobs.path(address));
        long offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            ObjectLocation loc = locations.get(i);
            assertEquals(Hashes.PREFIX + chunks.get(i).hash(), loc.hash());
            assertEquals(address, loc.pack());
            assertEquals(offset, loc.offset());
            assertEquals(chunks.get(i).length(), loc.length());
            byte[] bytes = Arrays.copyOfRange(pack, (int) offset, (int) (offset + loc.length()));
            assertEquals(chunks.get(i).hash(), MessageDigests.sha256Hex(bytes), "object " + i + " reads back");
            offset += loc.length();
        }
    }

    private static List<Path> temporaries(LocalBlobStore blobs) throws IOException {
        Path dir = blobs.root().resolve("tmp");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** A plain {@link MessageDigest} over the bytes, the reference the pipeline must equal. */
    private static final class MessageDigests {
        static String sha256Hex(byte[] bytes) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<Entry.Chunk> oneBuffer(byte[] all) {
        List<Entry.Chunk> chunks = new ArrayList<>();
        for (int pos = 0; pos < all.length; ) {
            int len = Chunker.cut(all, pos, all.length - pos);
            chunks.add(new Entry.Chunk(
                    Hashes.of(Arrays.copyOfRange(all, pos, pos + len)).substring(Hashes.PREFIX.length()), len));
            pos += len;
        }
        return chunks;
    }
}
