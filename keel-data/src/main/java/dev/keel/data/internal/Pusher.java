package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.TransferResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends one local version to a server: asks which of its objects the server lacks for the
 * dataset, uploads those in parts of at most {@link #PART_BYTES} (several at once), then commits
 * the manifest. Each part is recorded by the server as soon as it arrives, so a push that is
 * interrupted and run again sends only the parts that did not arrive.
 */
final class Pusher {
    static final long PART_BYTES = 64L << 20;
    static final int ASK_BATCH = 50_000;
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Catalog catalog;
    private final int parallel;
    /** Upload part size; the system property {@code keel.data.partBytes} lowers it (tests of resuming). */
    private final long partLimit = Long.getLong("keel.data.partBytes", PART_BYTES);

    Pusher(DatasetStore store, LocalBlobStore blobs, Catalog catalog, int parallel) {
        this.store = store;
        this.blobs = blobs;
        this.catalog = catalog;
        this.parallel = parallel;
    }

    TransferResult push(DatasetVersion v, RemoteCalls remote) throws IOException {
        Manifest m = catalog.manifests().load(v.hash());
        if (remote.dataset(v.dataset()).isEmpty()) {
            // created first, so the caller owns it before any of its objects arrive
            Dataset local = store.dataset(v.dataset()).orElseThrow();
            remote.saveDataset(v.dataset(), local.description(), local.visibility());
        }
        List<String> all = new ArrayList<>();
        for (String hex : m.objectHexes()) {
            all.add(Hex.address(hex));
        }
        List<String> missing = new ArrayList<>();
        boolean wantsHash = false;
        for (int i = 0; i < all.size(); i += ASK_BATCH) {
            RemoteCalls.Missing answer =
                    remote.missing(v.dataset(), all.subList(i, Math.min(all.size(), i + ASK_BATCH)));
            missing.addAll(answer.hashes());
            wantsHash |= answer.wantsPackHash();
        }
        Map<String, ObjectLocation> located = store.locate(missing);
        if (located.size() < missing.size()) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    (missing.size() - located.size()) + " object(s) of " + v.ref()
                            + " are missing from this Keel folder; run 'keel data verify " + v.ref() + "'");
        }
        List<ObjectLocation> order = new ArrayList<>(located.values());
        order.sort(Comparator.comparing(ObjectLocation::pack).thenComparingLong(ObjectLocation::offset));
        List<List<ObjectLocation>> parts = new ArrayList<>();
        List<ObjectLocation> part = new ArrayList<>();
        long partBytes = 0;
        long bytes = 0;
        for (ObjectLocation o : order) {
            if (!part.isEmpty() && (partBytes + o.length() > partLimit || part.size() >= Wire.MAX_OBJECTS_PER_PACK)) {
                parts.add(part);
                part = new ArrayList<>();
                partBytes = 0;
            }
            part.add(o);
            partBytes += o.length();
            bytes += o.length();
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        uploadAll(v.dataset(), parts, remote, wantsHash);
        DatasetStore.Committed c = remote.commit(v.dataset(), m.encodeWhole(), v.message(), v.author(), v.createdAt());
        return new TransferResult(
                c.version().ref(), c.version().hash(), c.created(), missing.size(), bytes, all.size() - missing.size());
    }

    private void uploadAll(String dataset, List<List<ObjectLocation>> parts, RemoteCalls remote, boolean wantsHash)
            throws IOException {
        if (parts.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, parts.size())), r -> {
            Thread t = new Thread(r, "keel-data-push");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<ObjectLocation> p : parts) {
                futures.add(pool.submit(() -> {
                    upload(dataset, p, remote, wantsHash);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("push interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
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
    }

    private void upload(String dataset, List<ObjectLocation> part, RemoteCalls remote, boolean wantsHash)
            throws IOException {
        List<Wire.Item> items = new ArrayList<>(part.size());
        long length = 0;
        for (ObjectLocation o : part) {
            items.add(new Wire.Item(o.hash(), o.length()));
            length += o.length();
        }
        byte[] header = Wire.packHeader(items);
        String packHash = null;
        if (wantsHash) {
            // one extra local read (page cache) so the server can write straight to the address;
            // the pack the server stores is the objects without the index in front
            MessageDigest md = Hashes.sha256();
            byte[] buf = new byte[1 << 16];
            try (InputStream in = new PartStream(new byte[0], part, new PackReader(blobs))) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                }
            }
            packHash = Hashes.address(md.digest());
        }
        remote.upload(
                dataset, header.length + length, packHash, () -> new PartStream(header, part, new PackReader(blobs)));
    }

    /** The upload body: the index, then each object read (and verified) from the local packs. */
    private static final class PartStream extends InputStream {
        private final Iterator<ObjectLocation> next;
        private final PackReader reader;
        private byte[] current;
        private int pos;

        PartStream(byte[] header, List<ObjectLocation> objects, PackReader reader) {
            this.current = header;
            this.next = objects.iterator();
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == current.length) {
                if (!next.hasNext()) {
                    return -1;
                }
                try {
                    current = reader.read(next.next());
                } catch (PackReader.DamagedObjectException e) {
                    throw new IOException(
                            "object " + e.object + " is damaged in this Keel folder (" + e.getMessage()
                                    + "); run 'keel data verify'",
                            e);
                }
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
