package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends objects to pack blobs: many small files (or chunks) in one content-addressed blob,
 * so 70,000 files cost a few file creations and fsyncs instead of 70,000. Each pack is written
 * to the blob store's {@code tmp} folder; {@link #finish} fsyncs each and renames it to its
 * address; only then are its objects returned, so an object location never points at
 * bytes that are not durable. Not thread-safe: one writer per worker thread.
 */
final class PackWriter implements AutoCloseable {
    static final long PACK_LIMIT = 64L << 20;
    private final LocalBlobStore blobs;
    private final List<ObjectLocation> done = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Sealed> sealed = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    private FileChannel channel;
    private Path tmp;
    private MessageDigest digest;
    private long size;
    private long bytesWritten;

    PackWriter(LocalBlobStore blobs) {
        this.blobs = blobs;
    }

    /** Appends one object whose hash the caller computed. */
    void add(String hex, byte[] data, int off, int len) throws IOException {
        if (channel == null) {
            open();
        }
        pending.add(new Pending(hex, size, len));
        digest.update(data, off, len);
        size += len;
        bytesWritten += len;
        while (len > 0) {
            int n = Math.min(len, buffer.remaining());
            buffer.put(data, off, n);
            off += n;
            len -= n;
            if (!buffer.hasRemaining()) {
                flush();
            }
        }
        if (size >= PACK_LIMIT) {
            seal();
        }
    }

    /** Bytes of objects written (new bytes stored). */
    long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Seals the open pack, then makes every sealed pack durable (fsync) and moves it to its
     * address; returns every object written. The fsyncs wait until here so that the kernel
     * writes packs back while hashing goes on, instead of stalling the add at every pack.
     */
    List<ObjectLocation> finish() throws IOException {
        seal();
        for (Sealed s : sealed) {
            try (FileChannel ch = FileChannel.open(s.tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Path target = blobs.path(s.address);
            Files.createDirectories(target.getParent());
            s.tmp.toFile().setReadOnly();
            try {
                Files.move(s.tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(s.tmp);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(s.tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Durability.syncDirectory(target.getParent());
            for (Pending p : s.objects) {
                done.add(new ObjectLocation(Hashes.PREFIX + p.hex, s.address, p.offset, p.length));
            }
        }
        sealed.clear();
        return done;
    }

    private record Pending(String hex, long offset, int length) {
    }

    private record Sealed(Path tmp, String address, List<Pending> objects) {
    }

    private void open() throws IOException {
        Path dir = blobs.root().resolve("tmp");
        Files.createDirectories(dir);
        tmp = Files.createTempFile(dir, "pack-", ".tmp");
        channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
        digest = Hashes.sha256();
        size = 0;
        buffer.clear();
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /** Closes the open pack under its temporary name; {@link #finish} makes it durable. */
    private void seal() throws IOException {
        if (channel == null) {
            return;
        }
        flush();
        channel.close();
        channel = null;
        sealed.add(new Sealed(tmp, Hashes.address(digest.digest()), List.copyOf(pending)));
        pending.clear();
        tmp = null;
    }

    /** Drops an unfinished pack (after a failure); sealed packs stay as orphans for gc. */
    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
            for (Sealed s : sealed) {
                Files.deleteIfExists(s.tmp);
            }
        } catch (IOException e) {
            // Best effort: a leftover temporary file is swept later and never counted as data.
        }
        channel = null;
        tmp = null;
        sealed.clear();
    }
}
