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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Appends objects to pack blobs: many small files (or chunks) in one content-addressed blob,
 * so 70,000 files cost a few file creations and fsyncs instead of 70,000. Each pack is written
 * to the blob store's {@code tmp} folder; {@link #finish} fsyncs each and renames it to its
 * address; only then are its objects returned, so an object location never points at
 * bytes that are not durable. Not thread-safe: one writer per worker thread (each with its own
 * I/O thread that hashes and writes full buffers while the worker goes on chunking).
 */
final class PackWriter implements AutoCloseable {
    static final long PACK_LIMIT = 64L << 20;
    private static final int BUFFER = 1 << 20;
    private static final int IN_FLIGHT = 8;
    private final LocalBlobStore blobs;
    private final List<ObjectLocation> done = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Sealed> sealed = new ArrayList<>();
    /** Hashes and writes full buffers on its own thread, so the pack's SHA-256 and the disk overlap chunking. */
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keel-data-pack");
        t.setDaemon(true);
        return t;
    });
    /** fsyncs sealed packs in the background, so the disk writes pack N while pack N+1 is filled. */
    private final ExecutorService syncer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keel-data-fsync");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    private final ArrayBlockingQueue<byte[]> spare = new ArrayBlockingQueue<>(IN_FLIGHT + 1);
    private volatile IOException ioFailure;
    private byte[] buffer = new byte[BUFFER];
    private int filled;
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
        size += len;
        bytesWritten += len;
        while (len > 0) {
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(data, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == buffer.length) {
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
     * Seals the open pack, waits until every sealed pack is durable (fsynced in the background
     * since it was sealed) and moves each to its address; returns every object written.
     */
    List<ObjectLocation> finish() throws IOException {
        seal();
        io.shutdown();
        syncer.shutdown();
        for (Sealed s : sealed) {
            try {
                s.synced.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making packs durable", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
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

    private record Sealed(Path tmp, String address, List<Pending> objects, java.util.concurrent.Future<?> synced) {
    }

    private void open() throws IOException {
        Path dir = blobs.root().resolve("tmp");
        Files.createDirectories(dir);
        tmp = Files.createTempFile(dir, "pack-", ".tmp");
        channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
        digest = Hashes.sha256();
        size = 0;
        filled = 0;
    }

    /** Hands the filled buffer to the I/O thread (waiting when too many are in flight). */
    private void flush() throws IOException {
        if (filled == 0) {
            return;
        }
        checkFailure();
        byte[] full = buffer;
        int length = filled;
        FileChannel ch = channel;
        MessageDigest md = digest;
        inFlight.acquireUninterruptibly();
        io.execute(() -> {
            try {
                if (ioFailure == null) {
                    md.update(full, 0, length);
                    ByteBuffer b = ByteBuffer.wrap(full, 0, length);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            } catch (IOException e) {
                ioFailure = e;
            } finally {
                spare.offer(full);
                inFlight.release();
            }
        });
        byte[] next = spare.poll();
        buffer = next != null ? next : new byte[BUFFER];
        filled = 0;
    }

    /** Waits until the I/O thread has written everything handed to it. */
    private void drain() throws IOException {
        inFlight.acquireUninterruptibly(IN_FLIGHT);
        inFlight.release(IN_FLIGHT);
        checkFailure();
    }

    private void checkFailure() throws IOException {
        IOException e = ioFailure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Closes the open pack under its temporary name; {@link #finish} makes it durable. */
    private void seal() throws IOException {
        if (channel == null) {
            return;
        }
        flush();
        drain();
        FileChannel ch = channel;
        channel = null;
        java.util.concurrent.Future<?> synced = syncer.submit(() -> {
            try (ch) {
                ch.force(true);
            }
            return null;
        });
        sealed.add(new Sealed(tmp, Hashes.address(digest.digest()), List.copyOf(pending), synced));
        pending.clear();
        tmp = null;
    }

    /** Drops an unfinished pack (after a failure); sealed packs stay as orphans for gc. */
    @Override
    public void close() {
        io.shutdown();
        syncer.shutdown();
        try {
            io.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (channel != null) {
                channel.close();
            }
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
            for (Sealed s : sealed) {
                try {
                    s.synced.get();
                } catch (Exception e) {
                    // only waiting so the file is closed before it is deleted
                }
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
