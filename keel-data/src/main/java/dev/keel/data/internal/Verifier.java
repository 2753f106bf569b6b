package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.VerifyReport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rehashes every object the given versions need, pack by pack in offset order (sequential reads,
 * packs in parallel), and maps each damaged object back to the files and versions it breaks.
 */
final class Verifier {
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Manifests manifests;
    private final int threads;

    Verifier(DatasetStore store, LocalBlobStore blobs, Manifests manifests, int threads) {
        this.store = store;
        this.blobs = blobs;
        this.manifests = manifests;
        this.threads = threads;
    }

    VerifyReport verify(List<DatasetVersion> versions) throws IOException {
        Map<String, Map<String, Set<String>>> users = new HashMap<>(); // object -> path -> versions
        List<VerifyReport.Damage> damaged = new ArrayList<>();
        for (DatasetVersion v : versions) {
            Manifest m;
            try {
                m = manifests.load(v.hash());
            } catch (KeelException e) {
                damaged.add(new VerifyReport.Damage("(manifest)", v.hash(), List.of(v.ref()), e.getMessage()));
                continue;
            }
            for (Entry e : m.entries()) {
                if (e.type() == Entry.Type.DIR) {
                    continue;
                }
                if (e.chunked()) {
                    e.chunks().forEach(c -> use(users, Hex.address(c.hash()), e.path(), v.ref()));
                } else {
                    use(users, Hex.address(e.hash()), e.path(), v.ref());
                }
            }
        }
        Map<String, ObjectLocation> locs = store.locate(users.keySet());
        Map<String, String> bad = new TreeMap<>();
        Map<String, List<ObjectLocation>> byPack = new HashMap<>();
        for (String object : users.keySet()) {
            ObjectLocation loc = locs.get(object);
            if (loc == null) {
                bad.put(object, "missing: not in the object index");
            } else {
                byPack.computeIfAbsent(loc.pack(), k -> new ArrayList<>()).add(loc);
            }
        }
        AtomicLong checked = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, byPack.size())), r -> {
            Thread t = new Thread(r, "keel-data-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Map<String, String>>> futures = new ArrayList<>();
            for (List<ObjectLocation> pack : byPack.values()) {
                futures.add(pool.submit(() -> checkPack(pack, checked)));
            }
            for (Future<Map<String, String>> f : futures) {
                bad.putAll(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("verify interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        bad.forEach((object, why) -> users.get(object).forEach((path, refs) ->
                damaged.add(new VerifyReport.Damage(path, object, List.copyOf(refs), why))));
        damaged.sort(Comparator.comparing(VerifyReport.Damage::path, PathOrder.INSTANCE));
        return new VerifyReport(versions.size(), checked.get(), damaged);
    }

    private Map<String, String> checkPack(List<ObjectLocation> objects, AtomicLong checked) throws IOException {
        objects.sort(Comparator.comparingLong(ObjectLocation::offset));
        Map<String, String> bad = new HashMap<>();
        try (PackReader reader = new PackReader(blobs)) {
            for (ObjectLocation loc : objects) {
                try {
                    reader.read(loc);
                } catch (PackReader.DamagedObjectException e) {
                    bad.put(loc.hash(), "damaged: " + e.getMessage());
                }
                checked.incrementAndGet();
            }
        }
        return bad;
    }

    private static void use(Map<String, Map<String, Set<String>>> users, String object, String path, String ref) {
        users.computeIfAbsent(object, k -> new TreeMap<>()).computeIfAbsent(path, k -> new LinkedHashSet<>()).add(ref);
    }
}
