package dev.keel.home;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the local cache folder ({@code .keel/cache}) under a size bound.
 *
 * <p>The unit of eviction is a top-level entry of the cache folder (a file or a whole folder),
 * because whoever writes the cache owns one entry per cached thing and a half-deleted entry would
 * be worse than a missing one. An entry's last use is the newest access or modification time of
 * the files inside it (for folders only the modification time: listing a folder moves its access
 * time). Everything in the cache may be deleted at any time (see
 * {@link dev.keel.core.KeelHome}), so eviction never asks.
 *
 * <pre>
 * CacheBound bound = CacheBound.fromEnvironment(home.cache());   // KEEL_CACHE_MAX or 10 GiB
 * CacheBound.Removed r = bound.enforce();
 * </pre>
 */
public final class CacheBound {
    /** 10 GiB: the bound when {@code KEEL_CACHE_MAX} is not set. */
    public static final long DEFAULT_MAX_BYTES = 10L << 30;

    static final String ENV = "KEEL_CACHE_MAX";
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

    private final Path dir;
    private final long maxBytes;

    public CacheBound(Path dir, long maxBytes) {
        if (maxBytes < 0) {
            throw KeelException.invalid("cache bound must not be negative, got " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** The bound from {@code KEEL_CACHE_MAX} (e.g. {@code 500M}, {@code 20G}), else 10 GiB. */
    public static CacheBound fromEnvironment(Path dir) {
        return fromEnvironment(dir, System.getenv());
    }

    static CacheBound fromEnvironment(Path dir, Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            return new CacheBound(dir, DEFAULT_MAX_BYTES);
        }
        return new CacheBound(dir, parseSize(value, ENV));
    }

    /** Parses {@code 1024}, {@code 500K}, {@code 500M}, {@code 1.5G}, {@code 2T} (binary units; a trailing B/iB is allowed). */
    static long parseSize(String value, String source) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw KeelException.invalid(source + "='" + value
                    + "' is not a size: use a number with an optional unit K, M, G or T, e.g. 500M or 20G");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes >= Long.MAX_VALUE) {
            throw KeelException.invalid(source + "='" + value + "' is too large");
        }
        return (long) bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Path dir() {
        return dir;
    }

    /** What a clean-up removed. */
    public record Removed(int entries, long bytes) {}

    /** Total size in bytes of everything in the cache (0 when the folder does not exist). */
    public long size() {
        return entries().stream().mapToLong(Entry::bytes).sum();
    }

    /** Evicts least recently used top-level entries until the cache fits its bound. */
    public Removed enforce() {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        entries.sort(Comparator.comparingLong(Entry::lastUsedMillis)
                .thenComparing(e -> e.path().toString()));
        int count = 0;
        long freed = 0;
        for (Entry e : entries) {
            if (total - freed <= maxBytes) {
                break;
            }
            delete(e.path());
            count++;
            freed += e.bytes();
        }
        return new Removed(count, freed);
    }

    /** Removes everything in the cache; the cache folder itself stays. */
    public Removed clean() {
        List<Entry> entries = entries();
        for (Entry e : entries) {
            delete(e.path());
        }
        return new Removed(
                entries.size(), entries.stream().mapToLong(Entry::bytes).sum());
    }

    record Entry(Path path, long bytes, long lastUsedMillis) {}

    private List<Entry> entries() {
        List<Entry> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                Entry e = measure(child);
                if (e != null) {
                    result.add(e);
                }
            }
        } catch (IOException e) {
            throw storageFailure("cannot list the cache folder " + dir, e);
        }
        return result;
    }

    /** Size and newest use of one entry; null when it vanished meanwhile (another process cleaned). */
    private static Entry measure(Path entry) {
        long[] sizeAndTime = {0, 0};
        try {
            Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    note(a, false);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    note(a, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished or unreadable: count what we can see
                }

                private void note(BasicFileAttributes a, boolean file) {
                    long used = a.lastModifiedTime().toMillis();
                    if (file) {
                        sizeAndTime[0] += a.size();
                        // a folder's access time moves whenever it is listed (by this walk too), so only files' count
                        used = Math.max(used, a.lastAccessTime().toMillis());
                    }
                    sizeAndTime[1] = Math.max(sizeAndTime[1], used);
                }
            });
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw storageFailure("cannot measure the cache entry " + entry, e);
        }
        return new Entry(entry, sizeAndTime[0], sizeAndTime[1]);
    }

    /** Deletes a file or folder tree; read-only cache files and folders are made writable first. */
    private static void delete(Path entry) {
        try {
            Files.walkFileTree(entry, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    d.toFile().setWritable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    deleteOne(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    deleteOne(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // removed by someone else meanwhile: the goal is reached
        } catch (IOException e) {
            throw storageFailure("cannot delete the cache entry " + entry, e);
        }
    }

    private static void deleteOne(Path p) throws IOException {
        try {
            Files.deleteIfExists(p);
        } catch (AccessDeniedException e) {
            p.toFile().setWritable(true, true);
            Files.deleteIfExists(p);
        }
    }

    private static KeelException storageFailure(String what, IOException e) {
        return new KeelException(
                KeelException.ErrorCode.STORAGE_FAILURE,
                what + " (" + e + "): check the folder's permissions, or delete it by hand",
                e);
    }
}
