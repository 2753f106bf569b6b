package dev.keel.flow;

import dev.keel.core.blob.Hashes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content hash of a file or folder, in Keel's {@code sha256:<hex>} form: a file's is the
 * SHA-256 of its bytes; a folder's is the SHA-256 of its sorted listing, one line per file
 * ({@code relative/path NUL file hash}), so renaming, adding or changing any file inside
 * changes it, and times and permissions never do.
 */
public final class ContentHash {
    private ContentHash() {}

    /** The hash of {@code path}, or null when nothing is there. */
    public static String of(Path path) {
        return of(path, HashCache.none());
    }

    /** The hash of {@code path}, or null when nothing is there; files {@code cache} still knows are not read. */
    public static String of(Path path, HashCache cache) {
        try {
            if (Files.isRegularFile(path)) {
                return cache.hash(path, ContentHash::file);
            }
            if (Files.isDirectory(path)) {
                return folder(path, cache);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " to hash it", e);
        }
    }

    private static String file(Path file) throws IOException {
        MessageDigest d = Hashes.sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return Hashes.address(d.digest());
    }

    private static String folder(Path dir, HashCache cache) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .sorted((a, b) -> rel(dir, a).compareTo(rel(dir, b)))
                    .toList();
        }
        MessageDigest d = Hashes.sha256();
        for (Path f : files) {
            d.update((rel(dir, f) + "\0" + cache.hash(f, ContentHash::file) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Hashes.address(d.digest());
    }

    private static String rel(Path dir, Path f) {
        return dir.relativize(f).toString().replace('\\', '/');
    }

    /** The first 6 hex digits, how messages show a hash; "(none)" for null. */
    public static String shortly(String hash) {
        if (hash == null) {
            return "(none)";
        }
        int colon = hash.indexOf(':');
        int space = hash.indexOf(' ');
        if (space > 0) {
            // a dataset's "name:v3 sha256:…" shows as "v3 abc123"
            String version = hash.substring(0, space);
            return version.substring(version.lastIndexOf(':') + 1) + " " + shortly(hash.substring(space + 1));
        }
        String hex = colon >= 0 ? hash.substring(colon + 1) : hash;
        return hex.length() > 6 ? hex.substring(0, 6) : hex;
    }
}
