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
 * to the blob store's {@code tmp} folder, fsynced and renamed to its address when full or on
 * {@link #finish}; only then are its objects returned, so an object location never points at
 * bytes that are not durable. Not thread-safe: one writer per worker thread.
 */
final class PackWriter implements AutoCloseable {
    static final long PACK_LIMIT = 64L << 20;
    private final LocalBlobStore blobs;
    private final List<ObjectLocation> done = new ArrayList<>();
    private final List<String[]> pending = new ArrayList<>();
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
        pending.add(new String[]{hex, Long.toString(size), Integer.toString(len)});
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

    /** Seals the open pack; returns every object written, each in a durable pack. */
    List<ObjectLocation> finish() throws IOException {
        seal();
        return done;
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

    private void seal() throws IOException {
        if (channel == null) {
            return;
        }
        flush();
        channel.force(true);
        channel.close();
        channel = null;
        String address = Hashes.address(digest.digest());
        Path target = blobs.path(address);
        Files.createDirectories(target.getParent());
        tmp.toFile().setReadOnly();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Durability.syncDirectory(target.getParent());
        tmp = null;
        for (String[] p : pending) {
            done.add(new ObjectLocation(Hashes.PREFIX + p[0], address, Long.parseLong(p[1]), Long.parseLong(p[2])));
        }
        pending.clear();
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
        } catch (IOException e) {
            // Best effort: a leftover temporary file is swept later and never counted as data.
        }
        channel = null;
        tmp = null;
    }
}
