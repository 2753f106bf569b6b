package dev.keel.store.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqliteNativeTest {
    @TempDir
    Path tmp;

    @Test
    void theLibraryIsCopiedOncePrivatelyAndNamedForTheDriver() throws Exception {
        Map<String, String> p = SqliteNative.locate(tmp.resolve("v"));
        Path lib = Path.of(p.get("org.sqlite.lib.path")).resolve(p.get("org.sqlite.lib.name"));
        assertArrayEquals(jarCopy(), Files.readAllBytes(lib));
        assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
        assertEquals(p.get("org.sqlite.lib.path"), p.get("org.sqlite.tmpdir"));

        Object inode = Files.readAttributes(lib, BasicFileAttributes.class).fileKey();
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        assertEquals(
                inode, Files.readAttributes(lib, BasicFileAttributes.class).fileKey(), "a good copy is used as it is");
    }

    @Test
    void aDamagedCopyIsReplaced() throws Exception {
        Map<String, String> p = SqliteNative.locate(tmp.resolve("v"));
        Path lib = Path.of(p.get("org.sqlite.lib.path")).resolve(p.get("org.sqlite.lib.name"));
        byte[] bytes = Files.readAllBytes(lib);
        bytes[bytes.length / 2] ^= 1;
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rw-------"));
        Files.write(lib, bytes);
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        assertArrayEquals(jarCopy(), Files.readAllBytes(lib));
    }

    @Test
    void aSettledCopyIsTrustedByItsAttributesAndAChangedOneIsComparedAgain() throws Exception {
        Map<String, String> p = SqliteNative.locate(tmp.resolve("v"));
        Path dir = Path.of(p.get("org.sqlite.lib.path"));
        Path lib = dir.resolve(p.get("org.sqlite.lib.name"));
        // a copy made an hour ago, compared now: later starts trust it by its attributes
        Files.setLastModifiedTime(lib, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        String note = Files.readString(dir.resolve("verified"));
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        assertEquals(note, Files.readString(dir.resolve("verified")), "a trusted copy is not compared again");

        byte[] bytes = Files.readAllBytes(lib);
        bytes[bytes.length / 3] ^= 1;
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rw-------"));
        Files.write(lib, bytes);
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        assertArrayEquals(jarCopy(), Files.readAllBytes(lib), "a copy changed since its comparison is replaced");
    }

    @Test
    void aFolderOthersMayWriteIsNotUsed() throws Exception {
        Map<String, String> p = SqliteNative.locate(tmp.resolve("v"));
        Path dir = Path.of(p.get("org.sqlite.lib.path"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(SqliteNative.locate(tmp.resolve("v")).isEmpty());
    }

    @Test
    void aForgedResourceNoteStillLoadsOnlyTheJarsLibrary() throws Exception {
        Map<String, String> p = SqliteNative.locate(tmp.resolve("v"));
        Path dir = Path.of(p.get("org.sqlite.lib.path"));
        Files.writeString(dir.resolve("resource"), "/etc/passwd");
        assertEquals(p, SqliteNative.locate(tmp.resolve("v")));
        assertArrayEquals(jarCopy(), Files.readAllBytes(dir.resolve(p.get("org.sqlite.lib.name"))));
    }

    private static byte[] jarCopy() throws Exception {
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
