package dev.keel.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserCacheTest {
    @TempDir
    Path dir;

    @Test
    void aFileOnlyItsOwnerMayWriteIsPrivate() throws Exception {
        Path f = Files.writeString(dir.resolve("lib.so"), "x");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(UserCache.privateToUser(dir, f));
    }

    @Test
    void groupOrOthersWriteAccessAnywhereMakesItNotPrivate() throws Exception {
        Path f = Files.writeString(dir.resolve("lib.so"), "x");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
        assertFalse(UserCache.privateToUser(dir, f));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(UserCache.privateToUser(dir, f));
    }

    @Test
    void theFolderLiesUnderTheUsersCache() {
        Path folder = UserCache.folder("native");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path expected = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg, "keel", "native")
                : Path.of(System.getProperty("user.home"), ".cache", "keel", "native");
        assertEquals(expected, folder);
    }
}
