package dev.keel.store.sql;

import dev.keel.core.UserCache;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * Points sqlite-jdbc at a copy of its native library kept in a per-user cache
 * ({@code ~/.cache/keel/native/sqlite-jdbc-<version>/<platform>/}), so a short command does not
 * unpack 1.1 MB from the jar into {@code /tmp} and compare it back byte by byte on every start,
 * and a killed process leaves no stray copy behind. The copy is used only when its size and CRC
 * equal the jar entry's and its folder belongs to this user and is writable by nobody else;
 * it is written to a temporary file and renamed, so racing processes never see half a library.
 * Anything unexpected (no jar, a read-only home, a non-POSIX file system) leaves the driver's own
 * loading in place, as does setting {@code org.sqlite.lib.path} yourself. Once a copy has been
 * compared with the jar and left alone for a few seconds, later starts check only its size,
 * modification time and file against a note ({@code verified}) instead of reading it and the jar. Internal: the stores
 * call {@link #prepare()} before their first connection.
 */
public final class SqliteNative {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final long SETTLE_MS = 3_000;
    private static boolean prepared;

    private SqliteNative() {}

    /** Once per JVM, before the driver loads its library; never fails (the driver's default remains). */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        prepared = true;
        if (System.getProperty("org.sqlite.lib.path") != null || Boolean.getBoolean("keel.sqlite.noNativeCache")) {
            return;
        }
        try {
            Path dir = UserCache.folder("native");
            Map<String, String> properties =
                    dir == null ? Map.of() : locate(dir.resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()));
            for (Map.Entry<String, String> p : properties.entrySet()) {
                if (System.getProperty(p.getKey()) == null) {
                    System.setProperty(p.getKey(), p.getValue());
                }
            }
        } catch (IOException | RuntimeException e) {
            // only an optimisation: the driver unpacks its own copy
        }
        loadInBackground();
    }

    /**
     * Starts loading the driver's native library on another thread while the caller goes on
     * to build the connection's settings (the driver's date formats load calendar and locale
     * data, about as slow): in a fresh JVM the two are most of what opening a store costs. The
     * driver's loader is synchronized, so a connection that needs the library first waits for
     * this load rather than starting its own; a failure here is met again, and reported, there.
     */
    private static void loadInBackground() {
        Thread t = new Thread(
                () -> {
                    try {
                        SQLiteJDBCLoader.initialize();
                    } catch (Exception | LinkageError e) {
                        // the first connection loads it again and reports what went wrong
                    }
                },
                "keel-sqlite-load");
        t.setDaemon(true);
        t.start();
    }

    /**
     * The driver's system properties for the cached library under {@code versionDir} (made when
     * needed); empty when it cannot be used. The library's resource path is remembered beside it, since finding it anew runs
     * the driver's platform probe, which starts a {@code uname} process.
     */
    static Map<String, String> locate(Path versionDir) throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        String platform = System.getProperty("os.name") + "|" + System.getProperty("os.arch") + "|"
                + System.getProperty("java.home");
        Path dir = versionDir.resolve(Integer.toHexString(platform.hashCode()));
        Path lib = dir.resolve(name);
        Path remembered = dir.resolve("resource");
        String resource =
                Files.isRegularFile(remembered) ? Files.readString(remembered).trim() : "";
        boolean known = resource.startsWith("/org/sqlite/native/") && resource.endsWith("/" + name);
        if (!known) {
            resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        }
        URL url = SQLiteJDBCLoader.class.getResource(resource);
        if (url == null || !"jar".equals(url.getProtocol())) {
            return Map.of();
        }
        Path verified = dir.resolve("verified");
        String jarId = jarIdentity(url);
        if (known && jarId != null && stillVerified(verified, lib, jarId) && UserCache.privateToUser(dir, lib)) {
            return properties(dir, name);
        }
        JarURLConnection jar = (JarURLConnection) url.openConnection();
        jar.setUseCaches(false);
        try {
            JarEntry entry = jar.getJarEntry();
            if (entry.getSize() < 0 || entry.getCrc() < 0) {
                return Map.of();
            }
            if (!matches(lib, entry)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
                try (InputStream in = jar.getInputStream()) {
                    extract(in, dir, lib, entry);
                }
            }
            if (!known) {
                Path tmp = Files.createTempFile(dir, "resource-", ".tmp");
                Files.writeString(tmp, resource);
                Files.move(tmp, remembered, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!UserCache.privateToUser(dir, lib) || !matches(lib, entry)) {
                return Map.of();
            }
            if (jarId != null) {
                remember(verified, lib, jarId);
            }
        } finally {
            jar.getJarFile().close();
        }
        return properties(dir, name);
    }

    private static Map<String, String> properties(Path dir, String name) {
        // org.sqlite.tmpdir: the driver lists it for stale copies on every start; ours is small, /tmp may not be.
        return Map.of(
                "org.sqlite.lib.path",
                dir.toString(),
                "org.sqlite.lib.name",
                name,
                "org.sqlite.tmpdir",
                dir.toString());
    }

    /** The jar holding the library, as its location, size and modification time; null when not a local file. */
    private static String jarIdentity(URL url) {
        String spec = url.getPath();
        int bang = spec.indexOf("!/");
        if (bang < 0 || !spec.startsWith("file:")) {
            return null;
        }
        try {
            Path jar = Path.of(URI.create(spec.substring(0, bang)));
            BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
            return spec.substring(0, bang) + "|" + a.size() + "|"
                    + a.lastModifiedTime().toMillis();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The copy as it was when it was last compared with the jar: size, modification time, file. */
    private static String libIdentity(Path lib) throws IOException {
        BasicFileAttributes a = Files.readAttributes(lib, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            return null;
        }
        return a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|" + a.fileKey();
    }

    /**
     * Whether the copy is the one last compared, byte for byte, with the same jar's entry, so it
     * need not be read again: the note names the jar and the copy's size, modification time and
     * file. A note made within {@link #SETTLE_MS} of the copy's modification time is not trusted:
     * a change in the same clock tick as the comparison would leave the time unchanged.
     */
    private static boolean stillVerified(Path note, Path lib, String jarId) {
        try {
            List<String> lines = Files.readAllLines(note);
            String current = libIdentity(lib);
            if (lines.size() != 3
                    || current == null
                    || !lines.get(0).equals(jarId)
                    || !lines.get(1).equals(current)) {
                return false;
            }
            long modified =
                    Files.getLastModifiedTime(lib, LinkOption.NOFOLLOW_LINKS).toMillis();
            return Long.parseLong(lines.get(2)) - modified >= SETTLE_MS;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void remember(Path note, Path lib, String jarId) {
        try {
            String current = libIdentity(lib);
            if (current == null) {
                return;
            }
            Path tmp = Files.createTempFile(note.getParent(), "verified-", ".tmp");
            try {
                Files.writeString(tmp, jarId + "\n" + current + "\n" + System.currentTimeMillis() + "\n");
                Files.move(tmp, note, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            // the next start compares the copy again
        }
    }

    private static void extract(InputStream in, Path dir, Path lib, JarEntry entry) throws IOException {
        Path tmp = Files.createTempFile(dir, "lib-", ".tmp");
        try {
            CRC32 crc = new CRC32();
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    crc.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            if (crc.getValue() != entry.getCrc() || Files.size(tmp) != entry.getSize()) {
                throw new IOException("the native library read from the jar does not match its entry");
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static boolean matches(Path lib, JarEntry entry) throws IOException {
        if (!Files.isRegularFile(lib, LinkOption.NOFOLLOW_LINKS) || Files.size(lib) != entry.getSize()) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(lib));
        return crc.getValue() == entry.getCrc();
    }
}
