package dev.keel.data.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Direct and page-cache pack files hold exactly the bytes written, without the padding of the last block. */
class PackFileTest {
    @TempDir
    Path tmp;

    @Test
    void directAndPageCacheFilesHoldExactlyTheBytesWritten() throws Exception {
        for (boolean direct : new boolean[] {true, false}) {
            Path file = Files.createFile(tmp.resolve("pack-" + direct));
            byte[][] parts = {random(1 << 20, 1), random(1 << 20, 2), random(12_345, 3)};
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (PackFile pack = PackFile.create(file, direct)) {
                if (!direct) {
                    assertFalse(pack.direct(), "page cache when direct I/O is not allowed");
                }
                for (byte[] p : parts) {
                    pack.write(p, 0, p.length);
                    expected.write(p);
                }
                pack.force();
            }
            assertEquals(expected.size(), Files.size(file), "no padding left (direct=" + direct + ")");
            assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
        }
    }

    /** What a direct write refused at write time (EINVAL on some file systems) falls back to. */
    @Test
    void switchingToThePageCacheMidFileKeepsEveryByteInPlace() throws Exception {
        Path file = Files.createFile(tmp.resolve("switched"));
        byte[] first = random(1 << 20, 5);
        byte[] rest = random(54_321, 6);
        try (PackFile pack = PackFile.create(file)) {
            pack.write(first, 0, first.length);
            pack.toPageCache();
            assertFalse(pack.direct());
            pack.write(rest, 0, rest.length);
            pack.write(first, 0, 100); // page-cache writes may follow a partial one
            pack.force();
        }
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(first);
        expected.write(rest);
        expected.write(first, 0, 100);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
    }

    @Test
    void aWholeBlockLastWriteAndAnEmptyPackNeedNoTrimming() throws Exception {
        Path full = Files.createFile(tmp.resolve("full"));
        byte[] mib = random(1 << 20, 4);
        try (PackFile pack = PackFile.create(full)) {
            pack.write(mib, 0, mib.length);
            pack.force();
        }
        assertArrayEquals(mib, Files.readAllBytes(full));
        Path empty = Files.createFile(tmp.resolve("empty"));
        try (PackFile pack = PackFile.create(empty)) {
            pack.force();
        }
        assertEquals(0, Files.size(empty));
    }

    @Test
    void aDirectWriteAfterAPartialBlockIsRefusedRatherThanMisplaced() throws Exception {
        Path file = Files.createFile(tmp.resolve("partial"));
        try (PackFile pack = PackFile.create(file)) {
            if (!pack.direct()) {
                return; // this file system refuses O_DIRECT: page-cache writes have no such rule
            }
            pack.write(new byte[100], 0, 100);
            assertThrows(IllegalStateException.class, () -> pack.write(new byte[100], 0, 100));
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
