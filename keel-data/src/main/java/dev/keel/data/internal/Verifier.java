package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.VerifyReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rehashes every object the given versions need, pack by pack in offset order (sequential reads,
 * packs in parallel), and maps each damaged object back to the files and versions it breaks.
 * Then rehashes the checkout-cache objects of those files: one that no longer matches its name
 * (a hard-linked checkout edited in place) is removed and reported, one that matches gets a fresh
 * stamp so checkouts trust it without reading it.
 */
final class Verifier {
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Manifests manifests;
    private final int threads;
    private final Path objects;

    Verifier(DatasetStore store, LocalBlobStore blobs, Manifests manifests, int threads, Path objects) {
        this.store = store;
        this.blobs = blobs;
        this.manifests = manifests;
        this.threads = threads;
        this.objects = objects;
    }

    VerifyReport verify(List<DatasetVersion> versions) throws IOException {
        Map<String, Map<String, Set<String>>> users = new HashMap<>(); // object -> path -> versions
        Map<String, Map<String, Set<String>>> cached = new HashMap<>(); // cache name -> path -> versions
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
                if (e.type() == Entry.Type.FILE) {
                    use(cached, e.hash() + (e.executable() ? ".x" : ""), e.path(), v.ref());
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
        List<Callable<Map<String, String>>> packTasks = new ArrayList<>();
        for (List<ObjectLocation> pack : byPack.values()) {
            packTasks.add(() -> checkPack(pack, checked));
        }
        for (Map<String, String> found :
                Parallel.run("keel-data-verify", Math.min(threads, byPack.size()), packTasks)) {
            bad.putAll(found);
        }
        bad.forEach((object, why) -> users.get(object)
                .forEach((path, refs) -> damaged.add(new VerifyReport.Damage(path, object, List.copyOf(refs), why))));
        damaged.sort(Comparator.comparing(VerifyReport.Damage::path, PathOrder.INSTANCE));
        AtomicLong cacheChecked = new AtomicLong();
        List<VerifyReport.CacheRepair> repaired = checkCache(cached, cacheChecked);
        return new VerifyReport(versions.size(), checked.get(), damaged, cacheChecked.get(), repaired);
    }

    private List<VerifyReport.CacheRepair> checkCache(Map<String, Map<String, Set<String>>> cached, AtomicLong checked)
            throws IOException {
        List<String> names = new ArrayList<>(cached.keySet());
        CacheStamps stamps = CacheStamps.load(objects);
        List<VerifyReport.CacheRepair> repaired = Collections.synchronizedList(new ArrayList<>());
        int n = Math.max(1, Math.min(threads, names.size() / 256 + 1));
        List<Callable<Void>> sliceTasks = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            List<String> slice = names.subList(names.size() * s / n, names.size() * (s + 1) / n);
            sliceTasks.add(() -> {
                for (String name : slice) {
                    Path file = objects.resolve(name.substring(0, 2)).resolve(name.substring(2));
                    CacheStamps.Stamp stamp = CacheStamps.stat(file);
                    if (stamp == null) {
                        continue;
                    }
                    checked.incrementAndGet();
                    String hash = CacheStamps.hash(file);
                    if (hashOf(name).equals(hash)) {
                        stamps.put(name, stamp);
                        continue;
                    }
                    Files.deleteIfExists(file);
                    stamps.remove(name);
                    String why = "the checkout cache's copy was changed (its bytes hash to sha256:" + hash
                            + "), probably through a hard-linked checkout edited in place; removed from the cache,"
                            + " the next checkout writes it again from the stored data; checkouts made with hard"
                            + " links before still hold the changed bytes";
                    cached.get(name)
                            .forEach((path, refs) -> repaired.add(new VerifyReport.CacheRepair(
                                    path, Hex.address(hashOf(name)), List.copyOf(refs), why)));
                }
                return null;
            });
        }
        Parallel.run("keel-data-verify-cache", n, sliceTasks);
        stamps.save();
        List<VerifyReport.CacheRepair> out = new ArrayList<>(repaired);
        out.sort(Comparator.comparing(VerifyReport.CacheRepair::path, PathOrder.INSTANCE));
        return out;
    }

    private static String hashOf(String cacheName) {
        return cacheName.endsWith(".x") ? cacheName.substring(0, cacheName.length() - 2) : cacheName;
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
        users.computeIfAbsent(object, k -> new TreeMap<>())
                .computeIfAbsent(path, k -> new LinkedHashSet<>())
                .add(ref);
    }
}
