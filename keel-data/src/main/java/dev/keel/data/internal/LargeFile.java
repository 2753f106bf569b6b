package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a large file once and turns it into chunks on two cores: the calling thread reads slabs,
 * finds the chunk boundaries ({@link Chunker}) and hashes the whole file; a second thread hashes
 * each chunk and hands it to a {@link ChunkSink} (which packs the new ones). Slabs go round a
 * fixed set of buffers, so memory stays bounded whatever the file's size, and no byte is read
 * or copied twice: a chunk that straddles two slabs is the only thing moved.
 *
 * <p>Boundaries depend only on the bytes, never on where slabs end: a chunk is cut only when at
 * least {@link Chunker#MAX} bytes follow its start, or at the end of the file.
 */
final class LargeFile {
    /** Slab size; at least {@link Chunker#MAX} so every slab holds a whole chunk. */
    static final int SLAB = 4 << 20;

    private static final int SLABS = 4;
    private static final ExecutorService HASHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-data-chunks");
        t.setDaemon(true);
        return t;
    });
    private static final Slab END = new Slab(null, null, 0);

    /** Receives each chunk, in file order, on the hashing thread; the bytes are only valid during the call. */
    interface ChunkSink {
        void chunk(String hex, byte[] bytes, int off, int len) throws IOException;
    }

    /** The file's SHA-256 (hex), its length as read, and its chunks. */
    record Result(String hex, long size, List<Entry.Chunk> chunks) {}

    /** {@code cuts[i]} is where chunk i ends; the first starts at 0. */
    private record Slab(byte[] bytes, int[] cuts, int count) {}

    private LargeFile() {}

    static Result read(Path file, ChunkSink sink) throws IOException {
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(SLABS);
        BlockingQueue<Slab> full = new ArrayBlockingQueue<>(SLABS);
        for (int i = 0; i < SLABS; i++) {
            free.add(new byte[SLAB]);
        }
        Future<List<Entry.Chunk>> hashing = HASHERS.submit(() -> hashChunks(full, free, sink));
        MessageDigest whole = Hashes.sha256();
        long size = 0;
        Exception readFailure = null;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = take(free);
            int limit = 0;
            while (true) {
                boolean eof = false;
                long t = System.nanoTime();
                while (limit < buf.length) {
                    int n = in.read(buf, limit, buf.length - limit);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    limit += n;
                }
                long t1 = System.nanoTime();
                int[] cuts = new int[limit / Chunker.MIN + 1];
                int count = 0;
                int pos = 0;
                while (pos < limit && (eof || limit - pos >= Chunker.MAX)) {
                    pos += Chunker.cut(buf, pos, limit - pos);
                    cuts[count++] = pos;
                }
                long t2 = System.nanoTime();
                whole.update(buf, 0, pos);
                Trace.count("large: read", t1 - t);
                Trace.count("large: cut", t2 - t1);
                Trace.count("large: whole-file sha-256", System.nanoTime() - t2);
                size += pos;
                byte[] next = eof ? null : take(free);
                if (next != null) {
                    System.arraycopy(buf, pos, next, 0, limit - pos);
                }
                put(full, count > 0 ? new Slab(buf, cuts, count) : null, free, buf);
                if (eof) {
                    break;
                }
                limit -= pos;
                buf = next;
            }
        } catch (IOException | RuntimeException e) {
            readFailure = e;
        } finally {
            putEnd(full);
        }
        // Always waited for, so no thread is left appending to the sink after a failure.
        List<Entry.Chunk> chunks = await(hashing);
        if (readFailure instanceof IOException io) {
            throw io;
        } else if (readFailure != null) {
            throw (RuntimeException) readFailure;
        }
        return new Result(Hex.of(whole.digest()), size, chunks);
    }

    /**
     * The hashing thread. After a failure it keeps taking slabs (without hashing them) until the
     * end, so the reader never waits for a buffer that will not come back.
     */
    private static List<Entry.Chunk> hashChunks(BlockingQueue<Slab> full, BlockingQueue<byte[]> free, ChunkSink sink)
            throws Exception {
        MessageDigest piece = Hashes.sha256();
        List<Entry.Chunk> chunks = new ArrayList<>();
        Exception failure = null;
        for (Slab s; (s = full.take()) != END; ) {
            try {
                int start = 0;
                for (int i = 0; i < s.count && failure == null; i++) {
                    int len = s.cuts[i] - start;
                    long t = System.nanoTime();
                    piece.update(s.bytes, start, len);
                    String hex = Hex.of(piece.digest());
                    long t1 = System.nanoTime();
                    sink.chunk(hex, s.bytes, start, len);
                    Trace.count("chunks: sha-256", t1 - t);
                    Trace.count("chunks: to the pack", System.nanoTime() - t1);
                    chunks.add(new Entry.Chunk(hex, len));
                    start = s.cuts[i];
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            } finally {
                free.add(s.bytes);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return chunks;
    }

    private static byte[] take(BlockingQueue<byte[]> free) throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        }
    }

    /** Queues a slab for hashing (or, when {@code slab} is null, gives {@code unused} back). */
    private static void put(BlockingQueue<Slab> full, Slab slab, BlockingQueue<byte[]> free, byte[] unused)
            throws IOException {
        if (slab == null) {
            free.add(unused);
            return;
        }
        try {
            full.put(slab);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        }
    }

    /** The hashing thread always drains the queue, so this waits only briefly; an interrupt is kept for later. */
    private static void putEnd(BlockingQueue<Slab> full) {
        boolean interrupted = false;
        while (true) {
            try {
                full.put(END);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Entry.Chunk> await(Future<List<Entry.Chunk>> hashing) throws IOException {
        try {
            return hashing.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        }
    }
}
