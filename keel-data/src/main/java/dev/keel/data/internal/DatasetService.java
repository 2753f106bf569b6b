package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.BlobStore;
import dev.keel.core.blob.Hashes;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetNames;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The server's side of dataset transfer, over any dataset store and blob store (a folder or an
 * S3 bucket). Every object is scoped to a dataset: a client may reference, and download, only
 * objects whose bytes it uploaded for that dataset or that a version of that dataset holds, so
 * knowing a hash grants nothing. Bytes are verified on arrival (each object against its hash
 * while streaming through) and again when sent. Memory stays bounded: one object at a time.
 * Exported to servers as {@link dev.keel.data.DatasetHost}.
 */
public final class DatasetService {
    /** The most addresses one request may name. */
    public static final int MAX_ADDRESSES = 200_000;
    /** Objects sent from one contiguous read of a pack are grouped up to this many bytes. */
    private static final long RANGE_LIMIT = 32L << 20;

    private final DatasetStore store;
    private final BlobStore blobs;
    private final Catalog catalog;

    public DatasetService(DatasetStore store, BlobStore blobs) {
        this.store = store;
        this.blobs = blobs;
        this.catalog = new Catalog(store);
    }

    public Catalog catalog() {
        return catalog;
    }

    /** Whether uploads should carry their hash: true unless the blobs are a local folder, where it saves nothing. */
    public boolean wantsPackHash() {
        return !(blobs instanceof LocalBlobStore);
    }

    /** What an upload stored: the pack's address, how many objects and bytes it held. */
    public record Received(String pack, int objects, long bytes) {}

    /** Of {@code addresses}, those the dataset lacks: the client must upload their bytes. */
    public List<String> missing(String dataset, List<String> addresses) {
        checkAddresses(addresses);
        Set<String> have = scoped(dataset, addresses);
        Set<String> out = new LinkedHashSet<>();
        for (String a : addresses) {
            if (!have.contains(a)) {
                out.add(a);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Stores one upload (see {@link Wire}) as a pack blob, checking every object against its hash
     * as it streams through, then indexes the objects for {@code dataset}. A damaged or truncated
     * upload records nothing.
     */
    public Received receive(String dataset, InputStream body, String packHash) throws IOException {
        DatasetNames.checkName(dataset);
        List<Wire.Item> items = Wire.readPackHeader(body);
        CheckingStream checking = new CheckingStream(body, items);
        String pack;
        try {
            pack = packHash == null ? blobs.put(checking) : blobs.put(checking, packHash);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BadUpload) {
                    throw KeelException.invalid(t.getMessage());
                }
            }
            throw e;
        }
        checking.requireComplete();
        List<ObjectLocation> located = new ArrayList<>(items.size());
        long offset = 0;
        for (Wire.Item i : items) {
            located.add(new ObjectLocation(i.address(), pack, offset, i.length()));
            offset += i.length();
        }
        store.addObjects(dataset, located);
        return new Received(pack, items.size(), offset);
    }

    /**
     * Records a version from its whole manifest. Every object it needs must already belong to the
     * dataset (uploaded, or held by one of its versions); otherwise nothing is recorded and the
     * error says how many are missing. A manifest equal to an existing version's returns that one.
     */
    public DatasetStore.Committed commit(
            String dataset, String owner, byte[] manifestBytes, String message, String author, long createdAt) {
        DatasetNames.checkName(dataset);
        Manifest m;
        try {
            m = Manifest.decode(manifestBytes, null);
        } catch (RuntimeException e) {
            throw KeelException.invalid("the manifest cannot be read (" + e.getMessage() + "): send a whole manifest as"
                    + " 'keel data push' makes it");
        }
        for (DatasetVersion v : store.versionsByHashPrefix(dataset, Hex.strip(m.hash()))) {
            if (v.hash().equals(m.hash())) {
                return new DatasetStore.Committed(v, false);
            }
        }
        List<String> needed = new ArrayList<>();
        for (String hex : m.objectHexes()) {
            needed.add(Hex.address(hex));
        }
        Set<String> have = scoped(dataset, needed);
        Map<String, ObjectLocation> located = store.locate(needed);
        long absent = needed.stream()
                .filter(a -> !have.contains(a) || !located.containsKey(a))
                .count();
        if (absent > 0) {
            throw KeelException.invalid("the version needs " + absent + " object(s) this server does not hold for"
                    + " dataset '" + dataset + "': upload them first (POST …/blobs/missing, then …/packs);"
                    + " 'keel data push' does both");
        }
        Optional<DatasetVersion> parent = store.latest(dataset);
        Manifest parentManifest =
                parent.map(p -> catalog.manifests().load(p.hash())).orElse(null);
        StoredManifest stored = catalog.manifests()
                .encode(m, parentManifest, parent.map(DatasetVersion::hash).orElse(null));
        Visibility keep = store.dataset(dataset).map(Dataset::visibility).orElse(null);
        return store.commitVersion(new NewVersion(
                new Dataset(dataset, owner, null, keep, System.currentTimeMillis()),
                stored,
                List.of(),
                message,
                author,
                createdAt,
                m.fileCount(),
                m.totalBytes(),
                parent.map(DatasetVersion::number).orElse(0)));
    }

    /**
     * Writes the objects as download frames (see {@link Wire}), in the order their packs hold
     * them, each verified first. Objects outside the dataset are refused before anything is sent.
     */
    public void send(String dataset, List<String> addresses, OutputStream out) throws IOException {
        send(locateInScope(dataset, addresses), out);
    }

    /** The exact length of the download {@link #send} writes for these objects (so it needs no chunked encoding). */
    public static long sendLength(List<ObjectLocation> objects) {
        long total = Wire.END.length() + 1;
        for (ObjectLocation o : objects) {
            total += 64 + 1 + Long.toString(o.length()).length() + 1 + o.length();
        }
        return total;
    }

    /** {@link #send} for objects already located (and checked) with {@link #locateInScope}. */
    public void send(List<ObjectLocation> objects, OutputStream out) throws IOException {
        List<ObjectLocation> order = new ArrayList<>(objects);
        order.sort(Comparator.comparing(ObjectLocation::pack).thenComparingLong(ObjectLocation::offset));
        MessageDigest md = Hashes.sha256();
        byte[] buf = new byte[256 << 10];
        int i = 0;
        while (i < order.size()) {
            // one read per contiguous run of objects in a pack
            int j = i + 1;
            long end = order.get(i).offset() + order.get(i).length();
            while (j < order.size()
                    && order.get(j).pack().equals(order.get(i).pack())
                    && order.get(j).offset() == end
                    && end - order.get(i).offset() < RANGE_LIMIT) {
                end += order.get(j).length();
                j++;
            }
            try (InputStream in = blobs.openRange(
                    order.get(i).pack(),
                    order.get(i).offset(),
                    end - order.get(i).offset())) {
                for (int k = i; k < j; k++) {
                    ObjectLocation o = order.get(k);
                    byte[] data = o.length() <= buf.length ? buf : new byte[(int) o.length()];
                    int len = (int) o.length();
                    if (in.readNBytes(data, 0, len) != len) {
                        throw new KeelException(
                                KeelException.ErrorCode.CORRUPT_DATA,
                                "pack " + o.pack() + " is truncated: object " + o.hash() + " cannot be read");
                    }
                    md.update(data, 0, len);
                    if (!Hashes.address(md.digest()).equals(o.hash())) {
                        throw new KeelException(
                                KeelException.ErrorCode.CORRUPT_DATA,
                                "object " + o.hash() + " in pack " + o.pack()
                                        + " is damaged on the server; its admin should run 'keel data verify'");
                    }
                    out.write(Wire.frameHeader(o.hash(), len));
                    out.write(data, 0, len);
                }
            }
            i = j;
        }
        Wire.writeEnd(out);
    }

    /** Where each object lives, after checking that all belong to the dataset (404 otherwise). */
    public List<ObjectLocation> locateInScope(String dataset, Collection<String> addresses) {
        List<String> list = new ArrayList<>(new LinkedHashSet<>(addresses));
        checkAddresses(list);
        Set<String> have = scoped(dataset, list);
        Map<String, ObjectLocation> located = store.locate(list);
        List<ObjectLocation> out = new ArrayList<>(list.size());
        for (String a : list) {
            ObjectLocation o = located.get(a);
            if (!have.contains(a) || o == null) {
                throw KeelException.notFound("object " + a + " is not part of dataset '" + dataset + "'");
            }
            out.add(o);
        }
        return out;
    }

    /**
     * The addresses that belong to the dataset: recorded in its scope (uploaded for it, or pulled),
     * else held by one of its versions' manifests (datasets added on the server's own machine).
     */
    private Set<String> scoped(String dataset, Collection<String> addresses) {
        Set<String> have = new HashSet<>(store.inScope(dataset, addresses));
        if (have.size() == new HashSet<>(addresses).size()) {
            return have;
        }
        List<DatasetVersion> versions = new ArrayList<>(store.versions(dataset));
        Collections.reverse(versions);
        Set<String> wanted = new HashSet<>();
        for (String a : addresses) {
            if (!have.contains(a)) {
                wanted.add(Hex.strip(a));
            }
        }
        for (DatasetVersion v : versions) {
            Set<String> objects = catalog.manifests().load(v.hash()).objectHexes();
            for (var it = wanted.iterator(); it.hasNext(); ) {
                String hex = it.next();
                if (objects.contains(hex)) {
                    have.add(Hex.address(hex));
                    it.remove();
                }
            }
            if (wanted.isEmpty()) {
                break;
            }
        }
        return have;
    }

    private static void checkAddresses(Collection<String> addresses) {
        if (addresses.size() > MAX_ADDRESSES) {
            throw KeelException.invalid(
                    "at most " + MAX_ADDRESSES + " hashes per request, got " + addresses.size() + ": split the list");
        }
        for (String a : addresses) {
            if (a == null
                    || !a.startsWith(Hashes.PREFIX)
                    || a.length() != 71
                    || !a.substring(7).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw KeelException.invalid(
                        "'" + a + "' is not a content hash: write sha256:<64 lower-case hex digits>");
            }
        }
    }

    /** An upload whose bytes do not match its index. */
    static final class BadUpload extends IOException {
        BadUpload(String message) {
            super(message);
        }
    }

    /** Passes the upload's bytes through while hashing each object; fails at the first mismatch. */
    static final class CheckingStream extends InputStream {
        private final InputStream in;
        private final List<Wire.Item> items;
        private final MessageDigest md = Hashes.sha256();
        private int index;
        private long left;

        CheckingStream(InputStream in, List<Wire.Item> items) {
            this.in = in;
            this.items = items;
            this.left = items.isEmpty() ? 0 : items.get(0).length();
            skipEmpty();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (index >= items.size()) {
                if (in.read() >= 0) {
                    throw new BadUpload("the upload holds more bytes than its index lists");
                }
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new BadUpload("the upload ended inside object "
                        + items.get(index).address() + " (connection lost?); nothing was recorded, send it again");
            }
            md.update(b, off, n);
            left -= n;
            if (left == 0) {
                finishObject();
                skipEmpty();
            }
            return n;
        }

        private void finishObject() throws BadUpload {
            String actual = Hashes.address(md.digest());
            Wire.Item item = items.get(index);
            if (!actual.equals(item.address())) {
                throw new BadUpload("object " + (index + 1) + " of the upload should hash to " + item.address()
                        + " but its bytes hash to " + actual + "; nothing was recorded");
            }
            index++;
            left = index < items.size() ? items.get(index).length() : 0;
        }

        private void skipEmpty() {
            while (index < items.size() && left == 0) {
                try {
                    finishObject();
                } catch (BadUpload e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
        }

        void requireComplete() {
            if (index < items.size()) {
                throw KeelException.invalid("the upload ended after " + index + " of " + items.size() + " objects");
            }
        }
    }
}
