package dev.keel.core.blob;

import dev.keel.core.KeelException;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.stream.Stream;

/**
 * Blobs as files under {@code <root>/sha256/<2 hex>/<62 hex>}, written read-only.
 *
 * <p>Writes go to a temporary file in {@code <root>/tmp}, are fsynced, then renamed into place,
 * so a process killed mid-write leaves at most a temporary file (never a half blob under a
 * valid address). Temporary files older than a day are swept by {@link #sweepTemporaries}.
 */
public final class LocalBlobStore implements BlobStore {
    private static final int BUFFER = 1 << 16;
    private final Path root;

    public LocalBlobStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where a blob lives (or would live). */
    public Path path(String hash) {
        String hex = Hashes.hex(hash);
        return root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    @Override
    public String put(InputStream in) throws IOException {
        return put(in, null);
    }

    /** As {@link #put(InputStream)}; with {@code expected}, a mismatch stores nothing. */
    @Override
    public String put(InputStream in, String expected) throws IOException {
        if (expected != null) {
            Hashes.hex(expected);
        }
        Path tmp = newTemporary();
        try {
            MessageDigest md = Hashes.sha256();
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[BUFFER];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            String hash = Hashes.address(md.digest());
            if (expected != null && !expected.equals(hash)) {
                throw KeelException.invalid(
                        "the bytes sent as " + expected + " hash to " + hash + "; nothing was stored, send them again");
            }
            commit(tmp, hash);
            return hash;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public String putFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return put(in);
        }
    }

    @Override
    public boolean has(String hash) {
        return size(hash) >= 0;
    }

    @Override
    public long size(String hash) {
        Path p = path(hash);
        try {
            return Files.size(p);
        } catch (NoSuchFileException e) {
            if (!rootIsAFile()) {
                return -1;
            }
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "the blob store " + root + " is not a folder: check the Keel home or the --blobs location",
                    e);
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot read " + p + " in the blob store " + root + " (" + e
                            + "): check that the folder is readable",
                    e);
        }
    }

    @Override
    public InputStream open(String hash) throws IOException {
        Path p = path(hash);
        InputStream raw;
        try {
            raw = Files.newInputStream(p);
        } catch (NoSuchFileException e) {
            throw absent(p, hash, e);
        }
        return new VerifyingInputStream(raw, hash);
    }

    @Override
    public InputStream openRange(String hash, long offset, long length) throws IOException {
        Path p = path(hash);
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw absent(p, hash, e);
        }
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        return new BufferedInputStream(
                new FilterInputStream(in) {
                    private long left = length;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = super.read(b, off, (int) Math.min(len, left));
                        if (n > 0) {
                            left -= n;
                        }
                        return n;
                    }
                },
                1 << 16);
    }

    @Override
    public boolean delete(String hash) throws IOException {
        boolean deleted = Files.deleteIfExists(path(hash));
        if (!deleted && rootIsAFile()) {
            throw new IOException("the blob store " + root + " is not a folder: nothing could be deleted from it");
        }
        return deleted;
    }

    /** Whether the store's folder, or the nearest of its parents that exists, is not a folder. */
    private boolean rootIsAFile() {
        for (Path p = root.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return !Files.isDirectory(p);
            }
        }
        return false;
    }

    /**
     * Content that is not there, or, where the store's own folder is a file, a
     * failure: some JDKs report a path below a regular file as absent, and a broken store must
     * never read as an empty one.
     */
    private IOException absent(Path p, String hash, NoSuchFileException e) {
        if (rootIsAFile()) {
            return new IOException(
                    "the blob store " + root + " is not a folder: check the Keel home or the --blobs location", e);
        }
        return new NoSuchFileException(p.toString(), null, "blob " + hash + " is not in " + root);
    }

    @Override
    public Stream<String> list() throws IOException {
        Path base = root.resolve("sha256");
        if (!Files.isDirectory(base)) {
            return Stream.empty();
        }
        return Files.walk(base, 2)
                .filter(p -> p.getNameCount() - base.getNameCount() == 2
                        && p.getFileName().toString().length() == 62)
                .map(p -> Hashes.PREFIX + p.getParent().getFileName() + p.getFileName());
    }

    /** Removes temporary files left by killed writers that are older than {@code maxAgeMillis}. */
    @Override
    public int sweepTemporaries(long maxAgeMillis) throws IOException {
        Path tmpDir = root.resolve("tmp");
        if (!Files.isDirectory(tmpDir)) {
            return 0;
        }
        long cutoff = System.currentTimeMillis() - maxAgeMillis;
        int removed = 0;
        try (Stream<Path> s = Files.list(tmpDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private Path newTemporary() throws IOException {
        Path tmpDir = root.resolve("tmp");
        Files.createDirectories(tmpDir);
        return Files.createTempFile(tmpDir, "blob-", ".tmp");
    }

    private void commit(Path tmp, String hash) throws IOException {
        Path target = path(hash);
        if (Files.exists(target)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.createDirectories(target.getParent());
        tmp.toFile().setReadOnly();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another writer stored the same bytes first: same address, same content.
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
