package dev.keel.data.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Copy-on-write clones of whole files ("reflinks", Linux's {@code FICLONE} ioctl): the clone is a
 * new, independent file that shares the source's blocks until either is written, so it costs
 * metadata instead of bytes, and writing to it never changes the source. Btrfs, XFS (made with
 * reflink, mkfs's default), bcachefs and OCFS2 clone; ext4, tmpfs and any two files on different
 * file systems refuse. Elsewhere (another OS or CPU, JNA missing) nothing is cloned.
 *
 * <p>Calls libc through JNA's direct mapping: one native call per system call, no reflection.
 */
final class Reflink {
    /** {@code _IOW(0x94, 9, int)}. */
    private static final long FICLONE = 0x40049409L;
    // Linux's generic values, shared by x86-64 and arm64 (the only CPUs cloning is tried on).
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    /** {@code __O_TMPFILE | O_DIRECTORY}; O_DIRECTORY is the one flag here that differs between the two CPUs. */
    private static final int O_TMPFILE =
            020000000 | (System.getProperty("os.arch", "").equals("aarch64") ? 040000 : 0200000);

    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;
    private static final int ENOENT = 2;
    private static final int EEXIST = 17;
    private static final int EXDEV = 18;
    private static final int EINVAL = 22;
    private static final int ENOTTY = 25;
    private static final int ENOSYS = 38;
    private static final int EOPNOTSUPP = 95;
    /** What FICLONE answers when the file system (or the pair of file systems) cannot clone at all. */
    private static final Set<Integer> CANNOT_CLONE = Set.of(EXDEV, EINVAL, ENOTTY, ENOSYS, EOPNOTSUPP);
    /** Answered without a trial clone: loading JNA for it would cost a checkout on these more than the answer. */
    private static final Set<String> NEVER_CLONE = Set.of("ext2", "ext3", "ext4", "tmpfs", "ramfs", "vfat", "exfat");

    private Reflink() {}

    /** Direct-mapped libc, loaded on first use: a checkout that never clones never loads JNA. */
    private static final class LibC {
        static final boolean LOADED = load();

        static native int open(String path, int flags, int mode) throws LastErrorException;

        static native int ioctl(int fd, long request, long arg) throws LastErrorException;

        static native int close(int fd) throws LastErrorException;

        static native long write(int fd, byte[] data, long count) throws LastErrorException;

        static native String strerror(int errno);

        private static boolean load() {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                return false;
            }
            try {
                Native.register(LibC.class, Platform.C_LIBRARY_NAME);
                return true;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }

    /**
     * Why files in {@code to} cannot be clones of files in {@code from}, or null when they can:
     * one trial clone between two unnamed files ({@code O_TMPFILE}: nothing appears in either
     * folder, so a reader of the target never sees it), so a file system that refuses costs one
     * refusal per checkout, not one per file; none at all for two file systems of different
     * types or one known never to clone (ext4, tmpfs). Both folders must exist.
     */
    static String refusal(Path from, Path to) {
        String toType = fileSystem(to);
        String fromType = fileSystem(from);
        if (!toType.equals(fromType)) {
            return differentFileSystems(from, to, fromType, toType);
        }
        if (NEVER_CLONE.contains(toType)) {
            return "the file system of " + to + " (" + toType + ") does not make copy-on-write clones";
        }
        if (!LibC.LOADED) {
            return "copy-on-write clones are only made on Linux (x86-64 or arm64)";
        }
        try {
            int src = unnamed(from, O_RDWR);
            try {
                LibC.write(src, new byte[] {'k'}, 1);
                int dest = unnamed(to, O_WRONLY);
                try {
                    LibC.ioctl(dest, FICLONE, src);
                    return null;
                } finally {
                    LibC.close(dest);
                }
            } finally {
                LibC.close(src);
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EXDEV) {
                return differentFileSystems(from, to, fromType, toType);
            }
            return "the file system of " + to + " (" + toType + ") does not make copy-on-write clones ("
                    + describe(e.getErrorCode()) + ")";
        } catch (IOException e) {
            return "a trial clone into " + to + " failed: " + e.getMessage();
        }
    }

    /**
     * Clones {@code src} into a new file {@code dest} created with {@code mode} (less the umask).
     * Returns 0 when cloned, else the errno of the refusal, with {@code dest} removed
     * ({@link #cannotClone} tells whether another file would fare better).
     *
     * @throws FileAlreadyExistsException when {@code dest} exists
     * @throws NoSuchFileException when {@code src} does not
     */
    static int cloneNew(Path src, Path dest, int mode) throws IOException {
        int in = open(src, O_RDONLY | O_CLOEXEC, 0);
        try {
            int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
            int errno = 0;
            try {
                LibC.ioctl(out, FICLONE, in);
            } catch (LastErrorException e) {
                errno = e.getErrorCode();
            } finally {
                LibC.close(out);
            }
            if (errno != 0) {
                Files.deleteIfExists(dest);
            }
            return errno;
        } finally {
            LibC.close(in);
        }
    }

    /** True when {@code errno} says this file system (or pair of file systems) never clones. */
    static boolean cannotClone(int errno) {
        return CANNOT_CLONE.contains(errno);
    }

    /** The C library's text for {@code errno}, e.g. "Operation not supported". */
    static String describe(int errno) {
        return LibC.strerror(errno) + ", errno " + errno;
    }

    /** The file system type of the folder, e.g. "btrfs" or "ext4" ("unknown" when it cannot be read). */
    static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String differentFileSystems(Path from, Path to, String fromType, String toType) {
        return to + " (" + toType + ") and the checkout cache " + from + " (" + fromType + ") are on different"
                + " file systems, and a clone cannot cross file systems";
    }

    /** A new file without a name in {@code dir}, gone when closed. */
    private static int unnamed(Path dir, int access) throws IOException {
        return open(dir, O_TMPFILE | access | O_CLOEXEC, 0600);
    }

    private static int open(Path p, int flags, int mode) throws IOException {
        try {
            return LibC.open(p.toString(), flags, mode);
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case ENOENT -> new NoSuchFileException(p.toString());
                case EEXIST -> new FileAlreadyExistsException(p.toString());
                default -> new IOException(p + ": " + describe(e.getErrorCode()));
            };
        }
    }
}
