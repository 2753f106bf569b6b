package dev.keel.data.internal;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;

/**
 * Walks a folder (or takes one file) without following links, collecting what add needs from
 * one stat per entry: size, mtime, inode and the executable bit. Links that stay inside the
 * folder become link entries; links leading outside are refused during the walk, unsafe names by
 * {@link #checkNames}, both before anything is stored.
 */
final class Scanner {

    /** A file found on disk. {@code key} is the file system's identity (device and inode). */
    record Found(
            String path,
            Path file,
            Entry.Type type,
            long size,
            long mtimeNanos,
            String key,
            boolean executable,
            String linkTarget) {}

    private Scanner() {}

    static List<Found> scan(Path source) throws IOException {
        Path root = source.toAbsolutePath().normalize();
        BasicFileAttributes top = attributes(root);
        List<Found> out = new ArrayList<>();
        if (top.isRegularFile()) {
            out.add(found(root.getFileName().toString(), root, top));
            return out;
        }
        if (!top.isDirectory()) {
            throw KeelException.invalid(
                    "cannot add " + source + ": give a regular file or a folder (links are not followed)");
        }
        walk(root, root, out);
        return out;
    }

    /**
     * One stat per entry, with POSIX attributes (the walker of {@link Files#walkFileTree} hides
     * the permission bits). Sub-folders are walked in parallel on every core: stat calls and the
     * JVM's per-entry work dominate a scan of many small files. The result is in a stable order
     * (each folder's files in listing order, then its sub-folders' results in listing order), so
     * an unchanged folder scans to the same list and the stat cache's {@link ScanDigest} matches.
     */
    private static void walk(Path root, Path dir, List<Found> out) throws IOException {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            out.addAll(pool.invoke(new DirTask(root, dir, root.toString().length() + 1)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            pool.shutdown();
        }
    }

    private static final class DirTask extends RecursiveTask<List<Found>> {
        private final Path root;
        private final Path dir;
        private final int rootLength;

        DirTask(Path root, Path dir, int rootLength) {
            this.root = root;
            this.dir = dir;
            this.rootLength = rootLength;
        }

        @Override
        protected List<Found> compute() {
            try {
                List<Found> local = new ArrayList<>();
                List<DirTask> subtasks = new ArrayList<>();
                boolean empty = true;
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path child : ds) {
                        empty = false;
                        entry(child, local, subtasks);
                    }
                }
                if (empty && !dir.equals(root)) {
                    local.add(new Found(relative(dir), dir, Entry.Type.DIR, 0, 0, "", false, null));
                }
                if (subtasks.isEmpty()) {
                    return local;
                }
                for (DirTask sub : subtasks) {
                    local.addAll(sub.join());
                }
                return local;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * One entry of the folder: its stat, then a found file or link, or a forked task for a
         * sub-folder. A method of its own rather than the loop's body: the JIT compiles a method
         * after a few hundred calls, a loop body only after tens of thousands of iterations.
         */
        private void entry(Path child, List<Found> local, List<DirTask> subtasks) throws IOException {
            BasicFileAttributes attrs = attributes(child);
            if (attrs.isDirectory()) {
                if (!child.getFileName().toString().equals(".keel")) {
                    DirTask sub = new DirTask(root, child, rootLength);
                    sub.fork();
                    subtasks.add(sub);
                }
                return;
            }
            String rel = relative(child);
            if (attrs.isRegularFile()) {
                local.add(found(rel, child, attrs));
            } else if (attrs.isSymbolicLink()) {
                local.add(link(root, rel, child));
            } else {
                throw KeelException.invalid("cannot add '" + rel + "': it is neither a file, a folder nor"
                        + " a link (a socket or device?); move it out of " + root);
            }
        }

        private String relative(Path p) {
            String s = p.toString().substring(rootLength);
            return p.getFileSystem().getSeparator().equals("/")
                    ? s
                    : s.replace(p.getFileSystem().getSeparator(), "/");
        }
    }

    static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static Found found(String rel, Path file, BasicFileAttributes attrs) {
        boolean exec =
                attrs instanceof PosixFileAttributes p && p.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
        Object key = attrs.fileKey();
        return new Found(
                rel,
                file,
                Entry.Type.FILE,
                attrs.size(),
                mtimeNanos(attrs),
                key == null ? "" : key.toString(),
                exec,
                null);
    }

    /**
     * Fails when a file no longer has the size, modification time and identity its scan saw:
     * something wrote to it while it was read, so the bytes hashed may be a mix of two versions.
     * Called once a large file has been read and before anything refers to what was stored.
     */
    static void checkUnchanged(Found f) throws IOException {
        BasicFileAttributes now = attributes(f.file());
        Object key = now.fileKey();
        String keyNow = key == null ? "" : key.toString();
        long mtime = mtimeNanos(now);
        if (now.size() != f.size() || mtime != f.mtimeNanos() || !keyNow.equals(f.key())) {
            String what = now.size() != f.size()
                    ? "its size went from " + f.size() + " to " + now.size() + " bytes"
                    : mtime != f.mtimeNanos() ? "its modification time changed" : "it was replaced by another file";
            throw KeelException.invalid("cannot add '" + f.path() + "': it changed while it was being read (" + what
                    + "); no version was recorded. Add it again once nothing writes to it");
        }
    }

    static long mtimeNanos(BasicFileAttributes attrs) {
        var t = attrs.lastModifiedTime().toInstant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Found link(Path root, String rel, Path file) throws IOException {
        checkName(rel);
        Path target = Files.readSymbolicLink(file);
        String text = target.toString().replace('\\', '/');
        Path resolved = file.getParent().resolve(target).normalize();
        if (target.isAbsolute() || !resolved.startsWith(root) || resolved.equals(root)) {
            throw KeelException.invalid("cannot add '" + rel + "': it is a link to " + target + ", outside the folder"
                    + " being added; links are stored only when they stay inside it, never followed out. Replace the"
                    + " link by a copy of the file, or remove it");
        }
        return new Found(rel, file, Entry.Type.LINK, text.getBytes(StandardCharsets.UTF_8).length, 0, "", false, text);
    }

    /**
     * Refuses a scan with a name that cannot be stored. Kept out of the walk: an add that finds
     * the folder unchanged stores nothing and so need not look at 70,000 names again.
     */
    static void checkNames(List<Found> found) {
        for (Found f : found) {
            checkName(f.path());
        }
    }

    private static void checkName(String rel) {
        String problem = PathRules.problem(rel);
        if (problem != null) {
            throw KeelException.invalid("cannot add '" + PathRules.printable(rel) + "': " + problem
                    + "; rename it (file names with line breaks or backslashes cannot be stored portably)");
        }
    }
}
