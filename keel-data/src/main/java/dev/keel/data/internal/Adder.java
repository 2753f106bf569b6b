package dev.keel.data.internal;

import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * are read whole (they are below {@link Chunker#MAX}), large ones stream through a few slabs
 * ({@link LargeFile}).
 */
final class Adder {
    private static final int BATCH = 512;
    private final LocalBlobStore blobs;
    private final Set<String> known;
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<PackWriter> idle = new ConcurrentLinkedQueue<>();
    private final List<PackWriter> all = new ArrayList<>();
    private final AtomicLong hashed = new AtomicLong();
    /** Objects in packs of a large file's own, durable once {@link #awaitDurable} returns. */
    private final List<ObjectLocation> ownPacks = new ArrayList<>();
    /** The large files whose own packs may still be reaching the disk. */
    private final List<LargeFile.Result> ownPending = new ArrayList<>();

    private final AtomicLong ownPackBytes = new AtomicLong();

    /** @param known hex hashes of objects already stored */
    Adder(LocalBlobStore blobs, Set<String> known) {
        this.blobs = blobs;
        this.known = known;
    }

    /**
     * Fills the null slots of {@code results}; returns the new objects. Those in the packs of
     * large files' own may still be reaching the disk: {@link #awaitDurable} says when they are,
     * and nothing may record them before it returns.
     */
    List<ObjectLocation> hashAll(List<Scanner.Found> found, Entry[] results, int threads) throws IOException {
        List<int[]> tasks = new ArrayList<>();
        int start = -1;
        int count = 0;
        for (int i = 0; i < found.size(); i++) {
            if (results[i] != null) {
                continue;
            }
            if (found.get(i).size() > Chunker.MAX) {
                tasks.add(new int[] {i});
                continue;
            }
            if (start < 0) {
                start = i;
            }
            count++;
            if (count == BATCH) {
                tasks.add(new int[] {start, i + 1});
                start = -1;
                count = 0;
            }
        }
        if (start >= 0) {
            tasks.add(new int[] {start, found.size()});
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
        List<ObjectLocation> objects = new ArrayList<>(ownPacks);
        for (PackWriter w : all) {
            objects.addAll(w.finish());
        }
        return objects;
    }

    /** Waits until every object {@link #hashAll} returned is durable at its address. */
    void awaitDurable() throws IOException {
        List<LargeFile.Result> pending;
        synchronized (ownPacks) {
            pending = List.copyOf(ownPending);
        }
        long t = System.nanoTime();
        for (LargeFile.Result r : pending) {
            r.awaitDurable();
        }
        Trace.count("large: waits for own packs", System.nanoTime() - t);
    }

    long bytesStored() {
        return ownPackBytes.get()
                + all.stream().mapToLong(PackWriter::bytesWritten).sum();
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
                    yield large(f, w); // grew since the scan: its check after the read reports it
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

    /**
     * Reads a large file once: chunk boundaries here, chunk and whole-file hashes on two more
     * cores. A file of at least a full pack's size starts a pack of its own (see {@link LargeFile}),
     * which becomes durable in the background ({@link #awaitDurable}).
     */
    private Entry large(Scanner.Found f, PackWriter w) throws IOException {
        hashed.incrementAndGet();
        LargeFile.Result r = LargeFile.start(
                f.file(),
                new LargeFile.ChunkSink() {
                    @Override
                    public boolean claim(String hex) {
                        return !known.contains(hex) && written.add(hex);
                    }

                    @Override
                    public void chunk(String hex, byte[] bytes, int off, int len) throws IOException {
                        w.add(hex, bytes, off, len);
                    }
                },
                f.size() >= PackWriter.PACK_LIMIT ? blobs : null,
                () -> Scanner.checkUnchanged(f));
        synchronized (ownPacks) {
            ownPacks.addAll(r.packed());
            ownPending.add(r);
        }
        ownPackBytes.addAndGet(r.packedBytes());
        if (r.chunks().size() <= 1) {
            // Shrank below a chunk since the scan: one object, like any small file.
            String hex = r.chunks().isEmpty() ? store(new byte[0], 0, w) : r.hex();
            return Entry.file(f.path(), f.executable(), r.size(), hex, null);
        }
        return Entry.file(f.path(), f.executable(), r.size(), r.hex(), r.chunks());
    }
}
