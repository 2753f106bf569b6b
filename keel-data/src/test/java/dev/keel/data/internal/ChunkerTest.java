package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Chunk boundaries are part of the stored format: a version added later finds its unchanged
 * chunks stored only if the same bytes are cut at the same places. These figures were taken
 * from the chunker as it first shipped; a change that moves any boundary fails here.
 */
class ChunkerTest {
    /** 12 MiB from {@link Random}, whose sequence for a seed is fixed by its specification. */
    private static final byte[] CONTENT = content();

    @TempDir
    Path tmp;

    @Test
    void boundariesOfAFixedContentAreTheOnesFirstShipped() {
        List<Integer> lengths = new ArrayList<>();
        for (int pos = 0; pos < CONTENT.length; ) {
            int len = Chunker.cut(CONTENT, pos, CONTENT.length - pos);
            lengths.add(len);
            pos += len;
        }
        assertEquals(GOLDEN_FIRST, lengths.subList(0, GOLDEN_FIRST.size()));
        assertEquals(GOLDEN_COUNT, lengths.size());
        assertEquals(GOLDEN_DIGEST, digest(lengths));
    }

    @Test
    void thePipelineCutsTheSameBoundariesAsTheChunkerAlone() throws Exception {
        Path file = tmp.resolve("fixed");
        Files.write(file, CONTENT);
        LargeFile.Result r = LargeFile.read(file, (hex, bytes, off, len) -> {});
        List<Integer> lengths = r.chunks().stream().map(Entry.Chunk::length).toList();
        assertEquals(GOLDEN_COUNT, lengths.size());
        assertEquals(GOLDEN_DIGEST, digest(lengths));
    }

    private static final List<Integer> GOLDEN_FIRST = List.of(103631, 48692, 55313, 95436, 72731);
    private static final int GOLDEN_COUNT = 169;
    /** SHA-256 of the lengths in decimal, one per line. */
    private static final String GOLDEN_DIGEST =
            "sha256:2e2e06ac277f02ecceb3a3d3a84582f9645189f1c5136093dbaa19f6fc01da5b";

    private static String digest(List<Integer> lengths) {
        StringBuilder sb = new StringBuilder();
        lengths.forEach(l -> sb.append(l).append('\n'));
        return Hashes.of(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] content() {
        byte[] b = new byte[12 << 20];
        new Random(2026).nextBytes(b);
        return b;
    }
}
