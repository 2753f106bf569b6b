package dev.keel.data.internal;

import dev.keel.core.KeelException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;

/**
 * Walks a folder (or takes one file) without following links, collecting what add needs from
 * one stat per entry: size, mtime, inode and the executable bit. Links that stay inside the
 * folder become link entries; links leading outside are refused during the walk, unsafe names by
 * {@link #checkNames}, both before anything is stored.
 */
final class Scanner {

    /**
     * A file found on disk. {@code key} is the file system's identity (device and inode).
     * {@code exact} is the file's path where the scan had it from the file system; null where
     * the relative path names it exactly under {@code root} (names the scan listed as text).
     */
    record Found(
            String path,
            Path root,
            Path exact,
            Entry.Type type,
            long size,
            long mtimeNanos,
            String key,
            boolean executable,
            String linkTarget) {
        /** The file on disk. */
        Path file() {
            return exact != null ? exact : root.resolve(path);
        }
    }

    /**
     * What a scan found, in scan order, with its {@link ScanRecord}. A folder's scan keeps each
     * folder's part of the record as it was written on the walking threads: comparing it with a
     * snapshot walks the parts in order, and the {@link Found} entries of files listed by name
     * are only made (read back from the record) when something asks for them, which an add of
     * an unchanged folder never does.
     */
    static final class Scan {
        private final Part top;
        private final int count;
        private List<Found> found;

        private Scan(Part top, List<Found> found) {
            this.top = top;
            this.count = top.total;
            this.found = found;
        }

        /** The scan of entries already listed (a single file, or a list another step made). */
        static Scan of(List<Found> found) {
            return new Scan(
                    new Part(null, ScanRecord.of(found), found.size(), found, null, List.of(), found.size()), found);
        }

        /** The number of entries. */
        int count() {
            return count;
        }

        /** Whether the record of this scan is exactly {@code other}'s bytes. */
        boolean recordEquals(byte[] other) {
            int offset = 0;
            ArrayDeque<Part> todo = new ArrayDeque<>();
            todo.push(top);
            while (!todo.isEmpty()) {
                Part p = todo.pop();
                if (!p.own.sameAt(other, offset)) {
                    return false;
                }
                offset += p.own.length();
                for (int i = p.subs.size() - 1; i >= 0; i--) {
                    todo.push(p.subs.get(i));
                }
            }
            return offset == other.length;
        }

        /** The whole record as one (for saving it). */
        ScanRecord record() {
            ScanRecord all = new ScanRecord();
            ArrayDeque<Part> todo = new ArrayDeque<>();
            todo.push(top);
            while (!todo.isEmpty()) {
                Part p = todo.pop();
                all.append(p.own);
                for (int i = p.subs.size() - 1; i >= 0; i--) {
                    todo.push(p.subs.get(i));
                }
            }
            return all;
        }

        /** The entries in scan order. */
        synchronized List<Found> found() {
            if (found == null) {
                List<Found> all = new ArrayList<>(count);
                ArrayDeque<Part> todo = new ArrayDeque<>();
                todo.push(top);
                while (!todo.isEmpty()) {
                    Part p = todo.pop();
                    p.addTo(all);
                    for (int i = p.subs.size() - 1; i >= 0; i--) {
                        todo.push(p.subs.get(i));
                    }
                }
                found = all;
            }
            return found;
        }
    }

    /** One array for every per-file stat, where a varargs call would make one per file. */
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    private Scanner() {}

    static List<Found> scan(Path source) throws IOException {
        return scanRecorded(source).found();
    }

    static Scan scanRecorded(Path source) throws IOException {
        return scanRecorded(source, () -> {});
    }

    /**
     * Scans {@code source}, running {@code meanwhile} on the calling thread while the walking
     * threads stat (the caller would otherwise only wait for them).
     */
    static Scan scanRecorded(Path source, Runnable meanwhile) throws IOException {
        Path root = source.toAbsolutePath().normalize();
        BasicFileAttributes top = attributes(root);
        if (top.isRegularFile()) {
            Path parent = root.getParent();
            meanwhile.run();
            return Scan.of(List.of(found(root.getFileName().toString(), parent, root, top)));
        }
        if (!top.isDirectory()) {
            throw KeelException.invalid(
                    "cannot add " + source + ": give a regular file or a folder (links are not followed)");
        }
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            ForkJoinTask<Part> walk = pool.submit(new DirTask(root, root, ""));
            meanwhile.run();
            return new Scan(walk.join(), null);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A folder's own entries (its files, links and the marker of an empty folder, in listing
     * order) as their record, then its sub-folders' parts in listing order. {@code exact} holds
     * the entries the record alone cannot give back (those with an exact path: links, an empty
     * folder, names read through the stream), at their positions in {@code exactAt} (null where
     * {@code exact} holds every entry). {@code total} counts the entries of the part and its
     * sub-folders.
     */
    private record Part(
            Path root, ScanRecord own, int ownCount, List<Found> exact, int[] exactAt, List<Part> subs, int total) {
        /** Adds the part's own entries, in order. */
        void addTo(List<Found> into) {
            if (exactAt == null) {
                into.addAll(exact);
                return;
            }
            int start = into.size();
            ScanRecord.decode(own.bytes(), 0, ownCount, root, into);
            for (int i = 0; i < exact.size(); i++) {
                into.set(start + exactAt[i], exact.get(i));
            }
        }
    }

    /**
     * One folder: one stat per entry, with POSIX attributes (the walker of {@link
     * Files#walkFileTree} hides the permission bits). Sub-folders are walked in parallel on every
     * core: stat calls and the JVM's per-entry work dominate a scan of many small files. Where
     * the directory stream is a {@link SecureDirectoryStream} (Linux), each entry is stat'ed by
     * its name relative to the open folder, so the kernel does not walk the whole path from the
     * root again for every file; and where every name of the folder is plain ASCII (so the text
     * names the file exactly), the names come as one list and each file goes straight into the
     * record, without a path string or entry object of its own. The result is in a stable order
     * (each folder's files in listing order, then its sub-folders' results in listing order), so
     * an unchanged folder scans to the same record, and the stat cache's snapshot matches.
     */
    private static final class DirTask extends RecursiveTask<Part> {
        private final Path root;
        private final Path dir;
        /** The folder's path relative to the root with a trailing '/', or "" for the root. */
        private final String prefix;

        private final byte[] prefixBytes;
        private ScanRecord record;
        private int count;
        private final List<Found> exact = new ArrayList<>();
        private int[] exactAt = new int[4];
        private final List<DirTask> subtasks = new ArrayList<>();

        DirTask(Path root, Path dir, String prefix) {
            this.root = root;
            this.dir = dir;
            this.prefix = prefix;
            this.prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected Part compute() {
            try {
                boolean empty;
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    String[] names = ds instanceof SecureDirectoryStream<Path> ? plainNames(dir) : null;
                    if (names != null) {
                        record = new ScanRecord(names.length * (48 + prefixBytes.length + 16));
                        SecureDirectoryStream<Path> secure = (SecureDirectoryStream<Path>) ds;
                        FileSystem fs = dir.getFileSystem();
                        for (String name : names) {
                            listed(secure, fs, name);
                        }
                        empty = names.length == 0;
                    } else {
                        record = new ScanRecord();
                        empty = true;
                        for (Path child : ds) {
                            empty = false;
                            entry(child);
                        }
                    }
                }
                if (empty && !dir.equals(root)) {
                    add(new Found(
                            prefix.substring(0, prefix.length() - 1),
                            root,
                            dir,
                            Entry.Type.DIR,
                            0,
                            0,
                            "",
                            false,
                            null));
                }
                List<Part> subs = new ArrayList<>(subtasks.size());
                int total = count;
                for (DirTask sub : subtasks) {
                    Part p = sub.join();
                    subs.add(p);
                    total += p.total;
                }
                return new Part(root, record, count, exact, Arrays.copyOf(exactAt, exact.size()), subs, total);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * One listed entry, stat'ed relative to the open folder. A method of its own rather than
         * the loop's body: the JIT compiles a method after a few hundred calls, a loop body only
         * after tens of thousands of iterations.
         */
        private void listed(SecureDirectoryStream<Path> secure, FileSystem fs, String name) throws IOException {
            Path relative = fs.getPath(name);
            PosixFileAttributeView view = secure.getFileAttributeView(relative, PosixFileAttributeView.class, NOFOLLOW);
            Path child = null;
            BasicFileAttributes attrs;
            if (view != null) {
                attrs = view.readAttributes();
            } else {
                child = dir.resolve(relative);
                attrs = attributes(child);
            }
            if (attrs.isRegularFile()) {
                record.putFile(
                        prefixBytes,
                        name.getBytes(StandardCharsets.UTF_8),
                        attrs.size(),
                        mtimeNanos(attrs),
                        executable(attrs),
                        key(attrs).getBytes(StandardCharsets.UTF_8));
                count++;
            } else {
                other(name, prefix.concat(name), child != null ? child : dir.resolve(relative), attrs);
            }
        }

        /** One entry of a folder read through its stream (a name that is not plain ASCII, or no relative stat). */
        private void entry(Path child) throws IOException {
            BasicFileAttributes attrs = attributes(child);
            String name = child.getFileName().toString();
            String rel = prefix.concat(name);
            if (attrs.isRegularFile()) {
                add(found(rel, root, child, attrs));
            } else {
                other(name, rel, child, attrs);
            }
        }

        /** A folder (walked by a task of its own), a link, or something add refuses. */
        private void other(String name, String rel, Path child, BasicFileAttributes attrs) throws IOException {
            if (attrs.isDirectory()) {
                if (!name.equals(".keel")) {
                    DirTask sub = new DirTask(root, child, rel + "/");
                    sub.fork();
                    subtasks.add(sub);
                }
            } else if (attrs.isSymbolicLink()) {
                add(link(root, rel, child));
            } else {
                throw KeelException.invalid("cannot add '" + rel + "': it is neither a file, a folder nor"
                        + " a link (a socket or device?); move it out of " + root);
            }
        }

        /** An entry with its exact path: kept as it is, and in the record. */
        private void add(Found f) {
            if (exact.size() == exactAt.length) {
                exactAt = Arrays.copyOf(exactAt, exactAt.length * 2);
            }
            exactAt[exact.size()] = count;
            exact.add(f);
            record.put(f);
            count++;
        }
    }

    /**
     * The folder's names when each is printable ASCII without '?' (text that names the file
     * exactly in any platform encoding, where other bytes may be decoded lossily), else null.
     */
    private static String[] plainNames(Path dir) {
        String[] names = dir.toFile().list();
        if (names == null) {
            return null;
        }
        for (String n : names) {
            if (!plain(n)) {
                return null;
            }
        }
        return names;
    }

    /**
     * Whether a name is printable ASCII without '?'. A method of its own: the JIT compiles it
     * after a few hundred names, where the loop over a folder's names would run interpreted.
     */
    private static boolean plain(String n) {
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '?') {
                return false;
            }
        }
        return true;
    }

    static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException e) {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static Found found(String rel, Path root, Path exact, BasicFileAttributes attrs) {
        return new Found(
                rel,
                root,
                exact,
                Entry.Type.FILE,
                attrs.size(),
                mtimeNanos(attrs),
                key(attrs),
                executable(attrs),
                null);
    }

    private static boolean executable(BasicFileAttributes attrs) {
        return attrs instanceof PosixFileAttributes p && p.permissions().contains(PosixFilePermission.OWNER_EXECUTE);
    }

    /** The file system's identity of the file (device and inode), or "" where it has none. */
    private static String key(BasicFileAttributes attrs) {
        Object key = attrs.fileKey();
        return key == null ? "" : key.toString();
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
        return attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
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
        return new Found(
                rel, root, file, Entry.Type.LINK, text.getBytes(StandardCharsets.UTF_8).length, 0, "", false, text);
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
