package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.StoredManifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads manifests from the dataset store, following delta chains to their whole base, and checks
 * each rebuilt manifest against its hash. Keeps the last few in memory.
 */
final class Manifests {
    /** A delta chain longer than this is cut by storing the next manifest whole. */
    static final int MAX_CHAIN = 24;

    private final DatasetStore store;
    private final Map<String, Manifest> recent = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Manifest> eldest) {
            return size() > 4;
        }
    };

    Manifests(DatasetStore store) {
        this.store = store;
    }

    synchronized Manifest load(String hash) {
        Manifest cached = recent.get(hash);
        if (cached != null) {
            return cached;
        }
        List<StoredManifest> chain = new ArrayList<>();
        String h = hash;
        Manifest base = null;
        while (h != null) {
            Manifest c = recent.get(h);
            if (c != null) {
                base = c;
                break;
            }
            String want = h;
            StoredManifest m = store.manifest(h)
                    .orElseThrow(() -> new KeelException(
                            KeelException.ErrorCode.CORRUPT_DATA,
                            "manifest " + want + " is missing from the dataset store; run 'keel data verify'"));
            chain.add(m);
            h = m.base();
            if (chain.size() > 10_000) {
                throw new KeelException(
                        KeelException.ErrorCode.CORRUPT_DATA, "manifest " + hash + " has a cyclic delta chain");
            }
        }
        for (int i = chain.size() - 1; i >= 0; i--) {
            StoredManifest m = chain.get(i);
            Manifest built = Manifest.decode(m.body(), base);
            if (!built.hash().equals(m.hash())) {
                throw new KeelException(
                        KeelException.ErrorCode.CORRUPT_DATA,
                        "manifest " + m.hash() + " is damaged: it rebuilds to " + built.hash()
                                + "; run 'keel data verify'");
            }
            recent.put(m.hash(), built);
            base = built;
        }
        return base;
    }

    /** How many deltas lie between this manifest and a whole one. */
    int depth(String hash) {
        int d = 0;
        for (String h = hash; h != null && d <= MAX_CHAIN; d++) {
            h = store.manifest(h).map(StoredManifest::base).orElse(null);
        }
        return d - 1;
    }

    /** The stored form of {@code m}: a delta against {@code parent} when that is short and the chain not too long. */
    StoredManifest encode(Manifest m, Manifest parent, String parentHash) {
        byte[] whole = m.encodeWhole();
        if (parent != null && depth(parentHash) < MAX_CHAIN) {
            byte[] delta = m.encodeDelta(parent);
            if (delta.length < whole.length / 2) {
                return new StoredManifest(m.hash(), parentHash, delta);
            }
        }
        return new StoredManifest(m.hash(), null, whole);
    }
}
