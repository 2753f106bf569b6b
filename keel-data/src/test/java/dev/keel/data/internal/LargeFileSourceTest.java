package dev.keel.data.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LargeFileSourceTest {
    @TempDir
    Path dir;

    @Test
    void mappedWindowsThatEndMidReadGiveTheFileBytesInOrder() throws Exception {
        byte[] content = new byte[LargeFile.SLAB + 70_001];
        new Random(7).nextBytes(content);
        Path f = Files.write(dir.resolve("big.bin"), content);
        // Windows of an odd size end inside reads, so a read is cut short at each window's end.
        try (LargeFile.Source in = new LargeFile.Source(f, 123_457)) {
            assertArrayEquals(content, readAll(in, 1 << 20));
        }
    }

    @Test
    void aFileSmallerThanASlabIsReadThroughTheChannel() throws Exception {
        byte[] content = new byte[LargeFile.SLAB - 1];
        new Random(8).nextBytes(content);
        Path f = Files.write(dir.resolve("small.bin"), content);
        try (LargeFile.Source in = new LargeFile.Source(f)) {
            assertArrayEquals(content, readAll(in, 65_536));
        }
    }

    @Test
    void bytesAppendedAfterOpeningAreNotRead() throws Exception {
        byte[] content = new byte[LargeFile.SLAB + 5];
        new Random(9).nextBytes(content);
        Path f = Files.write(dir.resolve("growing.bin"), content);
        try (LargeFile.Source in = new LargeFile.Source(f)) {
            Files.write(f, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            assertArrayEquals(content, readAll(in, 1 << 20));
        }
    }

    private static byte[] readAll(LargeFile.Source in, int step) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[step];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
