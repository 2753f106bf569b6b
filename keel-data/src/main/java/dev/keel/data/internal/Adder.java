package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns scanned files into manifest entries, storing the objects the store lacks. Files are
 * read and hashed in parallel (batches of small files, large files one per task); each worker
 * appends to its own pack, so there is no lock on the write path. Memory is bounded: small files
 * are read whole (they are below {@link Chunker#MAX}), large ones stream through one buffer.
 */
final class Adder {
    private static final int BATCH = 512;
    private static final int BUFFER = 8 << 20;
    /** Files at least this large get their whole-file hash computed on a second core, in parallel with chunking. */
    private static final long SIDE_HASH_MIN = 32L << 20;
    private static final ExecutorService SIDE = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-data-hash");
        t.setDaemon(true);
        return t;
    });
    private final LocalBlobStore blobs;
    private final Set<String> known;
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<PackWriter> idle = new ConcurrentLinkedQueue<>();
    private final List<PackWriter> all = new ArrayList<>();
    private final AtomicLong hashed = new AtomicLong();
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[BUFFER]);

    /** @param known hex hashes of objects already stored */
    Adder(LocalBlobStore blobs, Set<String> known) {
        this.blobs = blobs;
        this.known = known;
    }

    /** Fills the null slots of {@code results}; returns the new objects once all packs are durable. */
    List<ObjectLocation> hashAll(List<Scanner.Found> found, Entry[] results, int threads) throws IOException {
        List<int[]> tasks = new ArrayList<>();
        int start = -1;
        int count = 0;
        for (int i = 0; i < found.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            if (found.get(i).size() > Chunker.MAX) {
                tasks.add(new int[]{i});
                continue;
            }
            if (start < 0) {
                start = i;
            }
            count++;
            if (count == BATCH) {
                tasks.add(new int[]{start, i + 1});
                start = -1;
                count = 0;
            }
        }
        if (start >= 0) {
            tasks.add(new int[]{start, found.size()});
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())), r -> {
            Thread t = new Thread(r, "keel-data-add");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int[] task : tasks) {
                futures.add(pool.submit(() -> {
                    runTask(task, found, results);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        } finally {
            pool.shutdownNow();
        }
        List<ObjectLocation> objects = new ArrayList<>();
        for (PackWriter w : all) {
            objects.addAll(w.finish());
        }
        return objects;
    }

    long bytesStored() {
        return all.stream().mapToLong(PackWriter::bytesWritten).sum();
    }

    long filesHashed() {
        return hashed.get();
    }

    /** Drops unfinished packs after a failure. */
    void abort() {
        all.forEach(PackWriter::close);
    }

    private void runTask(int[] task, List<Scanner.Found> found, Entry[] results) throws IOException {
        PackWriter w = borrow();
        try {
            if (task.length == 1) {
                results[task[0]] = large(found.get(task[0]), w);
            } else {
                for (int i = task[0]; i < task[1]; i++) {
                    if (results[i] == null) {
                        results[i] = small(found.get(i), w);
                    }
                }
            }
        } finally {
            idle.add(w);
        }
    }

    private PackWriter borrow() {
        PackWriter w = idle.poll();
        if (w == null) {
            w = new PackWriter(blobs);
            synchronized (all) {
                all.add(w);
            }
        }
        return w;
    }

    private Entry small(Scanner.Found f, PackWriter w) throws IOException {
        hashed.incrementAndGet();
        return switch (f.type()) {
            case DIR -> new Entry(f.path(), Entry.Type.DIR, 0755, 0, "", null);
            case LINK -> {
                byte[] target = f.linkTarget().getBytes(StandardCharsets.UTF_8);
                yield new Entry(f.path(), Entry.Type.LINK, 0777, target.length, store(target, target.length, w), null);
            }
            case FILE -> {
                byte[] data = Files.readAllBytes(f.file());
                if (data.length > Chunker.MAX) {
                    yield large(f, w); // grew since the scan
                }
                yield Entry.file(f.path(), f.executable(), data.length, store(data, data.length, w), null);
            }
        };
    }

    private String store(byte[] data, int len, PackWriter w) throws IOException {
        String hex = Hex.sha256(data, 0, len);
        if (!known.contains(hex) && written.add(hex)) {
            w.add(hex, data, 0, len);
        }
        return hex;
    }

    /** {hex, length} of the whole file, read a second time (from the page cache) on another core. */
    private static String[] hashFile(Scanner.Found f) throws IOException {
        MessageDigest md = Hashes.sha256();
        byte[] b = new byte[1 << 20];
        long n = 0;
        try (InputStream in = Files.newInputStream(f.file())) {
            for (int r; (r = in.read(b)) > 0; n += r) {
                md.update(b, 0, r);
            }
        }
        return new String[]{Hex.of(md.digest()), Long.toString(n)};
    }

    /** The side hash, refused when the file changed between the two reads (the chunks would not match it). */
    private static String sideHash(Scanner.Found f, Future<String[]> side, long chunkedSize) throws IOException {
        String[] r;
        try {
            r = side.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
        var mtime = Files.getLastModifiedTime(f.file()).toInstant();
        long nanos = mtime.getEpochSecond() * 1_000_000_000L + mtime.getNano();
        if (Long.parseLong(r[1]) != chunkedSize || nanos != f.mtimeNanos()) {
            throw dev.keel.core.KeelException.invalid("'" + f.path() + "' changed while it was being added;"
                    + " add again once nothing writes to it");
        }
        return r[0];
    }

    /** Streams a large file through the chunker: whole-file hash, chunk hashes, new chunks packed. */
    private Entry large(Scanner.Found f, PackWriter w) throws IOException {
        hashed.incrementAndGet();
        byte[] buf = buffers.get();
        Future<String[]> side = f.size() >= SIDE_HASH_MIN ? SIDE.submit(() -> hashFile(f)) : null;
        MessageDigest whole = side == null ? Hashes.sha256() : null;
        MessageDigest piece = Hashes.sha256();
        List<Entry.Chunk> chunks = new ArrayList<>();
        long size = 0;
        try (InputStream in = Files.newInputStream(f.file())) {
            int pos = 0;
            int limit = 0;
            boolean eof = false;
            while (true) {
                if (!eof && limit - pos < Chunker.MAX) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                    while (limit < buf.length) {
                        int n = in.read(buf, limit, buf.length - limit);
                        if (n < 0) {
                            eof = true;
                            break;
                        }
                        limit += n;
                    }
                }
                if (pos == limit) {
                    break;
                }
                int len = Chunker.cut(buf, pos, limit - pos);
                if (whole != null) {
                    whole.update(buf, pos, len);
                }
                piece.update(buf, pos, len);
                String hex = Hex.of(piece.digest());
                if (!known.contains(hex) && written.add(hex)) {
                    w.add(hex, buf, pos, len);
                }
                chunks.add(new Entry.Chunk(hex, len));
                pos += len;
                size += len;
            }
        }
        String hex = whole != null ? Hex.of(whole.digest()) : sideHash(f, side, size);
        if (chunks.size() <= 1) {
            // Shrank below a chunk since the scan: one object, like any small file.
            return Entry.file(f.path(), f.executable(), size, chunks.isEmpty() ? store(new byte[0], 0, w) : hex, null);
        }
        return Entry.file(f.path(), f.executable(), size, hex, chunks);
    }
}
