package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.ObjectLocation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a large file once and turns it into chunks, in four stages joined by bounded queues:
 * the calling thread reads slabs and finds the chunk boundaries ({@link Chunker}); a second
 * thread hashes each chunk and decides which are new; a third hashes the whole file; a fourth
 * writes the file's own pack. Slabs go round a fixed set of buffers, so memory stays bounded
 * whatever the file's size, and no byte is read twice: a chunk that straddles two slabs is the
 * only thing moved, and a stored byte is copied once more, into the aligned buffer it is
 * written from.
 *
 * <p>The file's own pack: while every chunk from the start of the file is new, the chunks are
 * written in file order to one pack, so that pack's bytes are the file's bytes and its address
 * is the whole-file SHA-256 computed anyway; no third SHA-256 pass over the data. The first
 * chunk that is already stored (or seen earlier in the same add) ends that run: the pack keeps
 * the bytes before it (its address the SHA-256 of that prefix, taken from the whole-file hash at
 * that point), and the new chunks after it go to the {@link ChunkSink} as usual. Without a pack
 * ({@code blobs} null) every new chunk goes to the sink.
 *
 * <p>The pack is the slowest stage (the disk's write speed), so {@link #start} returns once every
 * byte is read and hashed and leaves the pack's last writes, its fsync and its rename running:
 * the caller builds and encodes its manifest meanwhile and calls {@link Result#awaitDurable}
 * before it records any of the pack's objects.
 *
 * <p>Boundaries depend only on the bytes, never on where slabs end: a chunk is cut only when at
 * least {@link Chunker#MAX} bytes follow its start, or at the end of the file.
 */
final class LargeFile {
    /** Slab size; at least {@link Chunker#MAX} so every slab holds a whole chunk. */
    static final int SLAB = 4 << 20;

    /** Enough for each stage to hold one slab while the next ones wait. */
    private static final int SLABS = 8;
    /** A multiple of {@link PackFile#MAX_ALIGN}: direct writes are whole blocks. */
    private static final int STAGE = 4 << 20;

    private static final ExecutorService STAGES = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "keel-data-chunks");
        t.setDaemon(true);
        return t;
    });
    private static final Slab END = new Slab(null, null, 0, 0);

    /** Decides and stores the new chunks the file's own pack does not take. */
    interface ChunkSink {
        /** Whether the chunk must be stored by this add (it is not stored yet and nobody claimed it). */
        default boolean claim(String hex) {
            return true;
        }

        /** Stores a claimed chunk, in file order, on the hashing thread; the bytes are only valid during the call. */
        void chunk(String hex, byte[] bytes, int off, int len) throws IOException;
    }

    /**
     * The file's SHA-256 (hex), its length as read, its chunks, and the objects of its own pack
     * (empty without one), durable at their address once {@link #awaitDurable} returns.
     */
    record Result(
            String hex,
            long size,
            List<Entry.Chunk> chunks,
            List<ObjectLocation> packed,
            long packedBytes,
            CompletableFuture<Void> durable) {

        /** Waits until the objects of {@link #packed} are durable at their address; throws when they never will be. */
        void awaitDurable() throws IOException {
            try {
                durable.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the file's pack was made durable", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io
                        ? new IOException(io.getMessage(), io)
                        : new IOException(e.getCause());
            }
        }
    }

    /** A slab: {@code cuts[i]} is where chunk i ends (the first starts at 0), {@code base} its offset in the file. */
    private static final class Slab {
        final byte[] bytes;
        final int[] cuts;
        final int count;
        final long base;
        /** Set by the chunk stage: the slab's first bytes that belong to the file's own pack. */
        int packed;
        /** Set by the chunk stage: where in this slab the file's own pack ends, or -1. */
        int packEnd = -1;

        Slab(byte[] bytes, int[] cuts, int count, long base) {
            this.bytes = bytes;
            this.cuts = cuts;
            this.count = count;
            this.base = base;
        }

        int length() {
            return count == 0 ? 0 : cuts[count - 1];
        }
    }

    private LargeFile() {}

    /** Every new chunk to the sink, no pack of the file's own. */
    static Result read(Path file, ChunkSink sink) throws IOException {
        return read(file, sink, null);
    }

    /** @param blobs where the file's own pack goes, or null to hand every new chunk to the sink */
    static Result read(Path file, ChunkSink sink, LocalBlobStore blobs) throws IOException {
        return read(file, sink, blobs, () -> {});
    }

    /**
     * Reads the file and returns once its own pack is durable.
     *
     * @param unchanged runs once every byte is read and hashed, before the file's own pack is
     *     given its address; it throws when the file changed meanwhile, and then nothing is stored
     */
    static Result read(Path file, ChunkSink sink, LocalBlobStore blobs, Check unchanged) throws IOException {
        Result r = start(file, sink, blobs, unchanged);
        r.awaitDurable();
        return r;
    }

    /**
     * Like {@link #read}, but returns once every byte is read and hashed and {@code unchanged}
     * has passed: the file's own pack may still be written, fsynced and renamed. Its objects
     * count only after {@link Result#awaitDurable}; should that fail, the pack is deleted.
     */
    static Result start(Path file, ChunkSink sink, LocalBlobStore blobs, Check unchanged) throws IOException {
        Pipeline p = new Pipeline(sink, blobs == null ? null : new OwnPack(blobs));
        return p.run(file, unchanged);
    }

    /** A check that the file read is still the one scanned. */
    interface Check {
        void run() throws IOException;
    }

    private static final class Pipeline {
        private final ChunkSink sink;
        private final OwnPack pack;
        private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(SLABS);
        private final BlockingQueue<Slab> toChunks = new ArrayBlockingQueue<>(SLABS + 1);
        private final BlockingQueue<Slab> toWhole = new ArrayBlockingQueue<>(SLABS + 1);
        private final BlockingQueue<Slab> toWrite = new ArrayBlockingQueue<>(SLABS + 1);
        /** The first failure of any stage; later stages pass slabs on without working on them. */
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        private final List<Entry.Chunk> chunks = new ArrayList<>();
        private final List<Entry.Chunk> packChunks = new ArrayList<>();
        /** Chunk stage only: whether the chunks so far all went to the file's own pack. */
        private boolean packing;

        /** Whole-file stage only, then read by the caller once the stages have ended. */
        private final MessageDigest whole = Hashes.sha256();

        private String wholeHex;
        /** The SHA-256 of the bytes before the first chunk the pack did not take, when there is one. */
        private String prefixHex;

        Pipeline(ChunkSink sink, OwnPack pack) {
            this.sink = sink;
            this.pack = pack;
            this.packing = pack != null;
            for (int i = 0; i < SLABS; i++) {
                free.add(new byte[SLAB]);
            }
        }

        Result run(Path file, Check unchanged) throws IOException {
            Future<?> chunkHashes = STAGES.submit(() -> stage("chunk hashes", toChunks, toWhole, this::chunkStage));
            Future<?> wholeHash = STAGES.submit(() -> stage("whole-file hash", toWhole, toWrite, this::wholeStage));
            Future<?> packWrite = STAGES.submit(() -> stage("pack write", toWrite, null, this::writeStage));
            long size = 0;
            long cpu = Trace.threadCpu();
            long sizeAtStart = Files.size(file);
            try (Source in = new Source(file)) {
                size = readSlabs(in);
            } catch (IOException e) {
                fail(e);
            } catch (RuntimeException e) {
                // The fault of a mapped page cut off under the reader can surface inside whatever
                // the thread runs next (a queue's lock, whose unlock then fails instead).
                fail(shorter(file, sizeAtStart) ? Source.truncated(file, e) : e);
            } catch (InternalError e) {
                // A fault on a mapped page, which the JVM may report a little after the copy that hit it.
                fail(Source.truncated(file, e));
            } finally {
                putEnd(toChunks);
                Trace.count("cpu: read+cut thread", Trace.threadCpu() - cpu);
            }
            boolean handedOver = false;
            try {
                // Always waited for, so no thread is left appending to the sink after a failure.
                await(chunkHashes);
                await(wholeHash);
                if (failure.get() != null) {
                    await(packWrite);
                }
                rethrowFailure();
                unchanged.run();
                wholeHex = Hex.of(whole.digest());
                if (pack == null) {
                    await(packWrite);
                    return new Result(wholeHex, size, chunks, List.of(), 0, CompletableFuture.completedFuture(null));
                }
                String address = Hashes.PREFIX + (packing ? wholeHex : prefixHex);
                List<ObjectLocation> packed = OwnPack.locations(address, packChunks);
                long packedBytes =
                        packed.stream().mapToLong(ObjectLocation::length).sum();
                CompletableFuture<Void> durable = new CompletableFuture<>();
                STAGES.execute(() -> finishPack(packWrite, address, packedBytes, durable));
                handedOver = true;
                return new Result(wholeHex, size, chunks, packed, packedBytes, durable);
            } finally {
                if (pack != null && !handedOver) {
                    awaitQuietly(packWrite);
                    pack.close();
                }
            }
        }

        /** After the pack's last write: fsync, rename to its address; on any failure the pack is dropped. */
        private void finishPack(
                Future<?> packWrite, String address, long packedBytes, CompletableFuture<Void> durable) {
            Throwable failed = new IllegalStateException("the file's pack was not finished");
            try {
                await(packWrite);
                rethrowFailure();
                long t = System.nanoTime();
                pack.finish(address, packedBytes);
                Trace.count("large: own pack fsync+rename", System.nanoTime() - t);
                failed = null;
            } catch (IOException | RuntimeException | Error e) {
                failed = e;
            } finally {
                // An unfinished pack is deleted before whoever awaits it hears the outcome, and
                // the outcome is told whatever the failure, so that nobody waits forever.
                try {
                    pack.close();
                } finally {
                    if (failed == null) {
                        durable.complete(null);
                    } else {
                        durable.completeExceptionally(failed);
                    }
                }
            }
        }

        private void rethrowFailure() throws IOException {
            Exception e = failure.get();
            if (e instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            } else if (e instanceof RuntimeException re) {
                throw re;
            } else if (e != null) {
                throw new IOException(e);
            }
        }

        /** The calling thread: fills slabs, cuts them into chunks, queues them; returns the bytes read. */
        private long readSlabs(Source in) throws IOException {
            long size = 0;
            byte[] buf = take(free);
            int limit = 0;
            while (failure.get() == null) {
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
                Trace.count("large: read", t1 - t);
                Trace.count("large: cut", System.nanoTime() - t1);
                byte[] next = eof ? null : take(free);
                if (next != null) {
                    System.arraycopy(buf, pos, next, 0, limit - pos);
                }
                if (count > 0) {
                    put(toChunks, new Slab(buf, cuts, count, size));
                } else {
                    free.add(buf);
                }
                size += pos;
                if (eof) {
                    return size;
                }
                limit -= pos;
                buf = next;
            }
            free.add(buf);
            return size;
        }

        /** Hashes each chunk; the file's own pack takes the new ones until the first that is not. */
        private void chunkStage(Slab s) throws IOException {
            MessageDigest piece = PIECE.get();
            int start = 0;
            s.packed = 0;
            for (int i = 0; i < s.count; i++) {
                int len = s.cuts[i] - start;
                long t = System.nanoTime();
                piece.update(s.bytes, start, len);
                String hex = Hex.of(piece.digest());
                long t1 = System.nanoTime();
                Trace.count("chunks: sha-256", t1 - t);
                boolean fresh = sink.claim(hex);
                if (packing && fresh) {
                    packChunks.add(new Entry.Chunk(hex, len));
                    s.packed = s.cuts[i];
                } else {
                    if (packing) {
                        packing = false;
                        s.packEnd = start;
                    }
                    if (fresh) {
                        sink.chunk(hex, s.bytes, start, len);
                        Trace.count("chunks: to a pack", System.nanoTime() - t1);
                    }
                }
                chunks.add(new Entry.Chunk(hex, len));
                start = s.cuts[i];
            }
        }

        /** Hashes the whole file; where the file's own pack ends, keeps the hash of the bytes before. */
        private void wholeStage(Slab s) {
            long t = System.nanoTime();
            if (s.packEnd >= 0) {
                whole.update(s.bytes, 0, s.packEnd);
                try {
                    prefixHex = Hex.of(((MessageDigest) whole.clone()).digest());
                } catch (CloneNotSupportedException e) {
                    throw new IllegalStateException("SHA-256 cannot be cloned on this JDK", e);
                }
                whole.update(s.bytes, s.packEnd, s.length() - s.packEnd);
            } else {
                whole.update(s.bytes, 0, s.length());
            }
            Trace.count("large: whole-file sha-256", System.nanoTime() - t);
        }

        private void writeStage(Slab s) throws IOException {
            if (s.packed > 0) {
                long t = System.nanoTime();
                pack.append(s.bytes, 0, s.packed);
                Trace.count("large: own pack write", System.nanoTime() - t);
            }
        }

        private interface Step {
            void run(Slab s) throws Exception;
        }

        /**
         * One stage: works on each slab and hands it on (the last gives the buffer back). After
         * a failure it keeps passing slabs on without working on them until the end, so no
         * thread waits for a buffer that will not come back.
         */
        private Void stage(String name, BlockingQueue<Slab> in, BlockingQueue<Slab> out, Step step)
                throws InterruptedException {
            long cpu = Trace.threadCpu();
            for (Slab s; (s = in.take()) != END; ) {
                try {
                    if (failure.get() == null) {
                        step.run(s);
                    }
                } catch (Exception e) {
                    fail(e);
                } finally {
                    if (out != null) {
                        out.put(s);
                    } else {
                        free.add(s.bytes);
                    }
                }
            }
            if (out != null) {
                out.put(END);
            }
            Trace.count("cpu: " + name + " thread", Trace.threadCpu() - cpu);
            return null;
        }

        private void fail(Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /**
     * The file's bytes for the read stage. A file of at least a slab is read through read-only
     * mappings of {@link #WINDOW} bytes copied into the slabs: that skips the kernel's copy into a
     * temporary buffer and the JDK's second copy from it into the heap, the read stage's largest
     * cost. Its length is the size when opened (bytes appended later are not read, like a file
     * that grows after the scan); a file truncated while mapped faults on the missing pages, which
     * ends the add with an error naming the file. Where the system refuses a mapping, the rest
     * is read through the channel.
     */
    static final class Source implements AutoCloseable {
        /** Large enough that even a terabyte file stays well under the kernel's limit on mappings. */
        static final long WINDOW = 1L << 30;

        private final Path file;
        private final long windowSize;
        private final FileChannel ch;
        private final long mappedSize;
        private long pos;
        private boolean mapping;
        private MappedByteBuffer window;

        Source(Path file) throws IOException {
            this(file, WINDOW);
        }

        Source(Path file, long windowSize) throws IOException {
            this.file = file;
            this.windowSize = windowSize;
            this.ch = FileChannel.open(file, StandardOpenOption.READ);
            this.mappedSize = ch.size();
            this.mapping = mappedSize >= SLAB;
        }

        /** Up to {@code len} bytes into {@code b}; -1 at the end of the file. */
        int read(byte[] b, int off, int len) throws IOException {
            if (mapping) {
                if (pos >= mappedSize) {
                    return -1;
                }
                if (window == null || !window.hasRemaining()) {
                    try {
                        window = ch.map(FileChannel.MapMode.READ_ONLY, pos, Math.min(windowSize, mappedSize - pos));
                    } catch (IOException | UnsupportedOperationException e) {
                        mapping = false;
                        window = null;
                        ch.position(pos);
                        return read(b, off, len);
                    }
                }
                int n = Math.min(len, window.remaining());
                try {
                    window.get(b, off, n);
                } catch (InternalError e) {
                    // The JVM's report of a fault on a mapped page: the file was truncated meanwhile.
                    throw truncated(file, e);
                }
                pos += n;
                return n;
            }
            return ch.read(ByteBuffer.wrap(b, off, len));
        }

        static IOException truncated(Path file, Throwable fault) {
            return new IOException(
                    file + " became shorter while it was read; add it again once nothing writes to it", fault);
        }

        @Override
        public void close() throws IOException {
            window = null;
            ch.close();
        }
    }

    private static final ThreadLocal<MessageDigest> PIECE = ThreadLocal.withInitial(Hashes::sha256);

    /**
     * The file's own pack: appended in file order through an aligned buffer (direct I/O where
     * allowed), fsynced and renamed to its address once the file is read.
     */
    private static final class OwnPack {
        private final LocalBlobStore blobs;
        private PackFile file;
        private Path tmp;
        private ByteBuffer stage;
        private long length;

        OwnPack(LocalBlobStore blobs) {
            this.blobs = blobs;
        }

        void append(byte[] bytes, int off, int len) throws IOException {
            if (file == null) {
                Path dir = blobs.root().resolve("tmp");
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, "pack-", ".tmp");
                file = PackFile.create(tmp);
                stage = PackFile.stagingBuffer(STAGE);
            }
            length += len;
            while (len > 0) {
                int n = Math.min(len, stage.remaining());
                stage.put(bytes, off, n);
                off += n;
                len -= n;
                if (!stage.hasRemaining()) {
                    file.writeStaged(stage.flip());
                    stage.clear().limit(STAGE);
                }
            }
        }

        /** Where the pack's objects will be once it is durable at {@code address} (none when it takes no bytes). */
        static List<ObjectLocation> locations(String address, List<Entry.Chunk> objects) {
            List<ObjectLocation> locations = new ArrayList<>(objects.size());
            long offset = 0;
            for (Entry.Chunk c : objects) {
                locations.add(new ObjectLocation(Hashes.PREFIX + c.hash(), address, offset, c.length()));
                offset += c.length();
            }
            return locations;
        }

        /** Makes the pack durable at {@code address}, once it holds its {@code expected} bytes. */
        void finish(String address, long expected) throws IOException {
            if (expected != length) {
                throw new IllegalStateException("the file's pack holds " + length + " bytes, its chunks " + expected);
            }
            if (file == null) {
                return;
            }
            if (stage.position() > 0) {
                file.writeStaged(stage.flip());
            }
            try (PackFile f = file) {
                f.force();
            }
            file = null;
            PackWriter.moveToAddress(blobs, tmp, address);
            tmp = null;
        }

        /** Drops an unfinished pack (after a failure). */
        void close() {
            try {
                if (file != null) {
                    file.close();
                }
                if (tmp != null) {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                // Best effort: a leftover temporary file is swept later and never counted as data.
            }
            file = null;
            tmp = null;
        }
    }

    private static boolean shorter(Path file, long size) {
        try {
            return Files.size(file) < size;
        } catch (IOException e) {
            return true; // gone: shorter than it was, too
        }
    }

    private static byte[] take(BlockingQueue<byte[]> free) throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        }
    }

    private static void put(BlockingQueue<Slab> q, Slab slab) throws IOException {
        try {
            q.put(slab);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        }
    }

    /** The stages always drain their queues, so this waits only briefly; an interrupt is kept for later. */
    private static void putEnd(BlockingQueue<Slab> q) {
        boolean interrupted = false;
        while (true) {
            try {
                q.put(END);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a stage on the way out of a failure that is already being reported. */
    private static void awaitQuietly(Future<?> stage) {
        try {
            await(stage);
        } catch (IOException e) {
            // The first failure is the one reported.
        }
    }

    private static void await(Future<?> stage) throws IOException {
        try {
            stage.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("add interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }
}
