package dev.keel.home;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheBoundTest {
    @TempDir
    Path cache;

    @Test
    void enforceEvictsLeastRecentlyUsedEntriesUntilUnderTheBound() throws IOException {
        Path oldest = file("a.bin", 400, 1_000);
        Path middleDir = Files.createDirectories(cache.resolve("b"));
        Files.write(middleDir.resolve("part1"), new byte[200]);
        Files.write(middleDir.resolve("part2"), new byte[200]);
        touchTree(middleDir, 2_000);
        Path newest = file("c.bin", 400, 3_000);

        CacheBound.Removed removed = new CacheBound(cache, 500).enforce();

        assertEquals(new CacheBound.Removed(2, 800), removed);
        assertFalse(Files.exists(oldest));
        assertFalse(Files.exists(middleDir));
        assertTrue(Files.exists(newest));
        assertEquals(400, new CacheBound(cache, 500).size());
    }

    @Test
    void enforceRemovesNothingWhenUnderTheBound() throws IOException {
        file("a.bin", 100, 1_000);
        assertEquals(new CacheBound.Removed(0, 0), new CacheBound(cache, 100).enforce());
        assertTrue(Files.exists(cache.resolve("a.bin")));
    }

    @Test
    void aRecentlyUsedFileInsideAnOldFolderKeepsTheFolder() throws IOException {
        Path dir = Files.createDirectories(cache.resolve("dataset"));
        Files.write(dir.resolve("x"), new byte[300]);
        touchTree(dir, 1_000);
        Files.setLastModifiedTime(dir.resolve("x"), FileTime.from(Instant.ofEpochSecond(5_000)));
        Path other = file("other", 300, 2_000);

        CacheBound.Removed removed = new CacheBound(cache, 400).enforce();

        assertEquals(new CacheBound.Removed(1, 300), removed);
        assertTrue(Files.exists(dir.resolve("x")));
        assertFalse(Files.exists(other));
    }

    @Test
    void cleanRemovesEverythingIncludingReadOnlyFilesButKeepsTheFolder() throws IOException {
        file("a", 10, 1_000);
        Path dir = Files.createDirectories(cache.resolve("ro"));
        Path ro = Files.write(dir.resolve("blob"), new byte[20]);
        ro.toFile().setReadOnly();
        dir.toFile().setReadOnly();

        CacheBound.Removed removed = new CacheBound(cache, 0).clean();

        assertEquals(new CacheBound.Removed(2, 30), removed);
        assertTrue(Files.isDirectory(cache));
        try (var s = Files.list(cache)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void aMissingCacheFolderIsEmpty() {
        CacheBound bound = new CacheBound(cache.resolve("absent"), 0);
        assertEquals(new CacheBound.Removed(0, 0), bound.enforce());
        assertEquals(new CacheBound.Removed(0, 0), bound.clean());
    }

    @Test
    void theBoundComesFromKeelCacheMax() {
        assertEquals(
                500L << 20,
                CacheBound.fromEnvironment(cache, Map.of("KEEL_CACHE_MAX", "500M"))
                        .maxBytes());
        assertEquals(
                20L << 30,
                CacheBound.fromEnvironment(cache, Map.of("KEEL_CACHE_MAX", "20g"))
                        .maxBytes());
        assertEquals(
                3L << 29,
                CacheBound.fromEnvironment(cache, Map.of("KEEL_CACHE_MAX", "1.5GiB"))
                        .maxBytes());
        assertEquals(
                1234,
                CacheBound.fromEnvironment(cache, Map.of("KEEL_CACHE_MAX", "1234"))
                        .maxBytes());
        assertEquals(
                CacheBound.DEFAULT_MAX_BYTES,
                CacheBound.fromEnvironment(cache, Map.of()).maxBytes());
    }

    @Test
    void aBadKeelCacheMaxNamesTheValueAndTheFix() {
        KeelException e = assertThrows(
                KeelException.class, () -> CacheBound.fromEnvironment(cache, Map.of("KEEL_CACHE_MAX", "lots")));
        assertEquals(
                "KEEL_CACHE_MAX='lots' is not a size: use a number with an optional unit K, M, G or T,"
                        + " e.g. 500M or 20G",
                e.getMessage());
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
    }

    private Path file(String name, int size, long epochSeconds) throws IOException {
        Path p = Files.write(cache.resolve(name), new byte[size]);
        touchTree(p, epochSeconds);
        return p;
    }

    /** Sets both times: last access time alone is unreliable (noatime mounts), so it is set too. */
    private static void touchTree(Path root, long epochSeconds) throws IOException {
        FileTime t = FileTime.from(Instant.ofEpochSecond(epochSeconds));
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(t, t, null);
            }
        }
    }
}
