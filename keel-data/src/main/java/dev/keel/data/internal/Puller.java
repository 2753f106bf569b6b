package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.StoredManifest;
import dev.keel.data.TransferResult;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Fetches one version from a server: its manifest (checked against the version's hash), then
 * only the objects this Keel folder lacks, in batches of at most {@link #BATCH_BYTES} (several at
 * once), each object verified, written to local packs and indexed as soon as its batch is
 * durable; finally the version is recorded locally. A pull that is interrupted and run again
 * fetches only what did not arrive.
 */
final class Puller {
    static final long BATCH_BYTES = 64L << 20;
    static final int BATCH_OBJECTS = 50_000;
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Catalog catalog;
    private final int parallel;

    Puller(DatasetStore store, LocalBlobStore blobs, Catalog catalog, int parallel) {
        this.store = store;
        this.blobs = blobs;
        this.catalog = catalog;
        this.parallel = parallel;
    }

    TransferResult pull(String dataset, String ref, RemoteCalls remote) throws IOException {
        DatasetVersion theirs = remote.version(dataset, ref);
        Dataset info = remote.dataset(dataset)
                .orElseThrow(() -> KeelException.notFound("no dataset named '" + dataset + "' on the server"));
        String at = "@" + Hex.strip(theirs.hash());
        Manifest m = Manifest.decode(remote.manifest(dataset, at), null);
        if (!m.hash().equals(theirs.hash())) {
            throw new KeelException(
                    KeelException.ErrorCode.CORRUPT_DATA,
                    "the server sent a manifest hashing to " + m.hash() + " for " + theirs.ref() + " (" + theirs.hash()
                            + "); nothing was recorded");
        }
        // In manifest order, which is close to the order the server's packs hold them (push sent
        // them so): each batch is then a few long ranged reads on the server, not many short ones.
        Map<String, Long> lengths = new LinkedHashMap<>();
        for (Entry e : m.entries()) {
            if (e.type() == Entry.Type.DIR) {
                continue;
            }
            if (e.chunked()) {
                e.chunks().forEach(c -> lengths.put(Hex.address(c.hash()), (long) c.length()));
            } else {
                lengths.put(Hex.address(e.hash()), e.size());
            }
        }
        Map<String, ObjectLocation> have = store.locate(lengths.keySet());
        Map<String, Boolean> packPresent = new HashMap<>();
        List<List<String>> batches = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        long batchBytes = 0;
        long bytes = 0;
        long fetched = 0;
        for (Map.Entry<String, Long> o : lengths.entrySet()) {
            ObjectLocation local = have.get(o.getKey());
            if (local != null && packPresent.computeIfAbsent(local.pack(), blobs::has)) {
                continue;
            }
            if (!batch.isEmpty() && (batchBytes + o.getValue() > BATCH_BYTES || batch.size() >= BATCH_OBJECTS)) {
                batches.add(batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(o.getKey());
            batchBytes += o.getValue();
            bytes += o.getValue();
            fetched++;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        fetchAll(dataset, batches, lengths, remote);
        DatasetStore.Committed c = commitLocally(info, theirs, m);
        return new TransferResult(
                c.version().ref(), c.version().hash(), c.created(), fetched, bytes, lengths.size() - fetched);
    }

    private DatasetStore.Committed commitLocally(Dataset info, DatasetVersion theirs, Manifest m) {
        for (DatasetVersion v : store.versionsByHashPrefix(info.name(), Hex.strip(m.hash()))) {
            if (v.hash().equals(m.hash())) {
                return new DatasetStore.Committed(v, false);
            }
        }
        Optional<DatasetVersion> parent = store.latest(info.name());
        Manifest parentManifest =
                parent.map(p -> catalog.manifests().load(p.hash())).orElse(null);
        StoredManifest stored = catalog.manifests()
                .encode(m, parentManifest, parent.map(DatasetVersion::hash).orElse(null));
        return store.commitVersion(new NewVersion(
                info,
                stored,
                List.of(),
                theirs.message(),
                theirs.author(),
                theirs.createdAt(),
                m.fileCount(),
                m.totalBytes(),
                parent.map(DatasetVersion::number).orElse(0)));
    }

    private void fetchAll(String dataset, List<List<String>> batches, Map<String, Long> lengths, RemoteCalls remote)
            throws IOException {
        if (batches.isEmpty()) {
            return;
        }
        List<Callable<Void>> tasks = new ArrayList<>();
        for (List<String> b : batches) {
            tasks.add(() -> {
                fetch(dataset, b, lengths, remote);
                return null;
            });
        }
        Parallel.run("keel-data-pull", Math.min(parallel, batches.size()), tasks);
    }

    /** One batch: verified into a local pack, indexed once the pack is durable. */
    private void fetch(String dataset, List<String> wanted, Map<String, Long> lengths, RemoteCalls remote)
            throws IOException {
        MessageDigest md = Hashes.sha256();
        byte[] buf = new byte[256 << 10];
        int received = 0;
        try (PackWriter writer = new PackWriter(blobs);
                InputStream in = new BufferedInputStream(remote.objects(dataset, wanted), 1 << 16)) {
            for (Wire.Item item; (item = Wire.readFrame(in)) != null; ) {
                Long expected = lengths.get(item.address());
                if (expected == null || expected != item.length()) {
                    throw new KeelException(
                            KeelException.ErrorCode.CORRUPT_DATA,
                            "the server sent object " + item.address() + " (" + item.length()
                                    + " bytes), which this version does not hold");
                }
                byte[] data = item.length() <= buf.length ? buf : new byte[(int) item.length()];
                int len = (int) item.length();
                if (in.readNBytes(data, 0, len) != len) {
                    throw new IOException("the download ended inside object " + item.address()
                            + " (connection lost?); run the command again to resume");
                }
                md.update(data, 0, len);
                String actual = Hashes.address(md.digest());
                if (!actual.equals(item.address())) {
                    throw new KeelException(
                            KeelException.ErrorCode.CORRUPT_DATA,
                            "object " + item.address() + " arrived damaged (its bytes hash to " + actual
                                    + "); run the command again");
                }
                writer.add(Hex.strip(item.address()), data, 0, len);
                received++;
            }
            if (received != wanted.size()) {
                throw new IOException(
                        "the server sent " + received + " of " + wanted.size() + " objects; run the command again");
            }
            store.addObjects(dataset, writer.finish());
        }
    }
}
