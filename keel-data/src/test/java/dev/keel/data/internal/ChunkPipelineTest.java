package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** {@link LargeFile}: chunks cut across slabs equal those of one buffer; failures end the pipeline cleanly. */
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
