package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Appends objects to pack blobs: many small files (or chunks) in one content-addressed blob,
 * so 70,000 files cost a few file creations and fsyncs instead of 70,000. Each pack is written
 * to the blob store's {@code tmp} folder ({@link PackFile}: direct I/O where allowed), fsynced
 * and renamed to its address; {@link #finish} returns its objects only after that, so an object
 * location never points at bytes that are not durable.
 *
 * <p>Three threads share the work, joined by a bounded hand-off: the caller copies objects into
 * buffers; an I/O thread hashes each full buffer into the pack's SHA-256 and writes it; a sync
 * thread fsyncs and renames each sealed pack while the next one is filled. At most
 * {@code IN_FLIGHT} buffers wait, so memory stays bounded; a failure on either thread is
 * rethrown to the caller at its next call. Not thread-safe: one writer per worker thread.
 */
final class PackWriter implements AutoCloseable {
    static final long PACK_LIMIT = 64L << 20;
    /** A multiple of {@link PackFile#MAX_ALIGN}: direct writes are whole blocks. */
    private static final int BUFFER = 4 << 20;

    private static final int IN_FLIGHT = 4;
    private final LocalBlobStore blobs;
    private final List<ObjectLocation> done = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<Sealed> sealed = new ArrayList<>();
    /** Hashes full buffers into the pack's SHA-256 on its own thread, overlapping chunking. */
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keel-data-pack");
        t.setDaemon(true);
        return t;
    });
    /** Writes hashed buffers; direct writes block until the device has them, so hashing goes on meanwhile. */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "keel-data-write");
        t.setDaemon(true);
        return t;
    });
    /** fsyncs and renames sealed packs in the background, so pack N reaches the disk while pack N+1 is filled. */
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
    private PackFile channel;
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
     * Seals the open pack, waits until every sealed pack is durable at its address (fsynced and
     * renamed in the background since it was sealed); returns every object written.
     */
    List<ObjectLocation> finish() throws IOException {
        seal();
        long t = System.nanoTime();
        for (Sealed s : sealed) {
            String address;
            try {
                address = s.address.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while making packs durable", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io
                        ? new IOException(io.getMessage(), io)
                        : new IOException(e.getCause());
            }
            for (Pending p : s.objects) {
                done.add(new ObjectLocation(Hashes.PREFIX + p.hex, address, p.offset, p.length));
            }
        }
        Trace.count("pack: finish waits", System.nanoTime() - t);
        sealed.clear();
        io.shutdown();
        writer.shutdown();
        syncer.shutdown();
        return done;
    }

    private record Pending(String hex, long offset, int length) {}

    /** A pack handed to the I/O thread; its address completes once it is durable under that address. */
    private record Sealed(Path tmp, List<Pending> objects, CompletableFuture<String> address) {}

    private void open() throws IOException {
        Path dir = blobs.root().resolve("tmp");
        Files.createDirectories(dir);
        tmp = Files.createTempFile(dir, "pack-", ".tmp");
        channel = PackFile.create(tmp);
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
        PackFile ch = channel;
        MessageDigest md = digest;
        long t = System.nanoTime();
        inFlight.acquireUninterruptibly();
        Trace.count("pack: caller waits for I/O", System.nanoTime() - t);
        io.execute(() -> {
            boolean handedOn = false;
            try {
                if (ioFailure == null) {
                    long t0 = System.nanoTime();
                    md.update(full, 0, length);
                    Trace.count("pack: sha-256", System.nanoTime() - t0);
                    writer.execute(() -> write(ch, full, length));
                    handedOn = true;
                }
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                if (!handedOn) {
                    release(full);
                }
            }
        });
        byte[] next = spare.poll();
        buffer = next != null ? next : new byte[BUFFER];
        filled = 0;
    }

    private void write(PackFile ch, byte[] full, int length) {
        try {
            if (ioFailure == null) {
                long t = System.nanoTime();
                ch.write(full, 0, length);
                Trace.count("pack: write", System.nanoTime() - t);
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        } finally {
            release(full);
        }
    }

    private void release(byte[] full) {
        spare.offer(full);
        inFlight.release();
    }

    private void fail(Exception e) {
        if (ioFailure == null) {
            ioFailure = e instanceof IOException io ? io : new IOException(e);
        }
    }

    private void checkFailure() throws IOException {
        IOException e = ioFailure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Closes the open pack without waiting: after its last buffer the I/O thread takes its
     * address, the write thread its last bytes, and then the sync thread fsyncs it and renames
     * it there (each thread runs its tasks in order).
     */
    private void seal() throws IOException {
        if (channel == null) {
            return;
        }
        flush();
        PackFile ch = channel;
        MessageDigest md = digest;
        Path file = tmp;
        CompletableFuture<String> durable = new CompletableFuture<>();
        sealed.add(new Sealed(file, List.copyOf(pending), durable));
        pending.clear();
        channel = null;
        tmp = null;
        io.execute(() -> {
            String address = Hashes.address(md.digest());
            handOn(writer, ch, durable, () -> handOn(syncer, ch, durable, () -> sync(ch, file, address, durable)));
        });
    }

    /** Runs a seal step on the next thread; when that one was shut down (a failed add), the pack is dropped. */
    private static void handOn(ExecutorService next, PackFile ch, CompletableFuture<String> durable, Runnable step) {
        try {
            next.execute(step);
        } catch (RejectedExecutionException e) {
            closeQuietly(ch);
            durable.completeExceptionally(new IOException("pack writer closed", e));
        }
    }

    private void sync(PackFile ch, Path file, String address, CompletableFuture<String> durable) {
        try {
            if (ioFailure != null) {
                closeQuietly(ch);
                throw ioFailure;
            }
            long t = System.nanoTime();
            try (ch) {
                ch.force();
            }
            Trace.count("pack: fsync", System.nanoTime() - t);
            moveToAddress(blobs, file, address);
            durable.complete(address);
        } catch (IOException | RuntimeException e) {
            durable.completeExceptionally(e);
        }
    }

    /** Renames a durable pack to its address and makes the rename durable too. */
    static void moveToAddress(LocalBlobStore blobs, Path file, String address) throws IOException {
        Path target = blobs.path(address);
        Files.createDirectories(target.getParent());
        file.toFile().setReadOnly();
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(file);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Durability.syncDirectory(target.getParent());
    }

    private static void closeQuietly(PackFile f) {
        try {
            f.close();
        } catch (IOException e) {
            // the pack is being dropped anyway
        }
    }

    /**
     * Drops an unfinished writer (after a failure): waits for its threads, deletes its temporary
     * packs. Packs already at their address stay as orphans that no version references; gc
     * removes them.
     */
    @Override
    public void close() {
        io.shutdown();
        try {
            io.awaitTermination(1, TimeUnit.MINUTES);
            writer.shutdown();
            writer.awaitTermination(1, TimeUnit.MINUTES);
            syncer.shutdown();
            syncer.awaitTermination(1, TimeUnit.MINUTES);
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
                if (!s.address.isDone()) {
                    s.address.completeExceptionally(new IOException("pack writer closed"));
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
