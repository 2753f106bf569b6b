package dev.keel.data.internal;

import dev.keel.core.blob.LocalBlobStore;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.data.GcReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Removes what no version, run file or checkpoint needs: packs none of whose objects are live,
 * blobs nothing references (e.g. packs of an add that was killed before it committed), manifests
 * of removed versions, and cache files of dead objects. Unreferenced blobs younger than the grace
 * period are kept, because a run or an add may be about to reference them.
 */
final class Collector {
    private final DatasetStore store;
    private final LocalBlobStore blobs;
    private final Manifests manifests;
    private final Path cache;

    Collector(DatasetStore store, LocalBlobStore blobs, Manifests manifests, Path cache) {
        this.store = store;
        this.blobs = blobs;
        this.manifests = manifests;
        this.cache = cache;
    }

    GcReport collect(boolean dryRun, Set<String> extraLive, Duration grace) throws IOException {
        Set<String> liveObjects = new HashSet<>();
        Set<String> liveManifests = new HashSet<>();
        Set<String> liveHex = new HashSet<>();
        for (DatasetVersion v : store.allVersions()) {
            Manifest m = manifests.load(v.hash());
            for (String hex : m.objectHexes()) {
                liveObjects.add(Hex.address(hex));
            }
            m.entries().forEach(e -> liveHex.add(e.hash()));
            for (String h = v.hash(); h != null && liveManifests.add(h); ) {
                h = store.manifest(h).map(sm -> sm.base()).orElse(null);
            }
        }
        Set<String> allPacks = store.packs();
        Set<String> livePacks = new HashSet<>();
        List<String> deadPacks = new ArrayList<>();
        Map<String, List<ObjectLocation>> contents = new HashMap<>();
        for (ObjectLocation o : store.objectsInPacks(allPacks)) {
            contents.computeIfAbsent(o.pack(), k -> new ArrayList<>()).add(o);
        }
        for (String pack : allPacks) {
            boolean live =
                    contents.getOrDefault(pack, List.of()).stream().anyMatch(o -> liveObjects.contains(o.hash()));
            if (live) {
                livePacks.add(pack);
            } else {
                deadPacks.add(pack);
            }
        }
        List<String> removed = new ArrayList<>();
        long freed = 0;
        long cutoff = System.currentTimeMillis() - grace.toMillis();
        List<String> candidates;
        try (Stream<String> s = blobs.list()) {
            candidates = s.sorted().toList();
        }
        for (String blob : candidates) {
            if (livePacks.contains(blob) || extraLive.contains(blob)) {
                continue;
            }
            Path p = blobs.path(blob);
            boolean indexedDead = deadPacks.contains(blob);
            if (!indexedDead && Files.getLastModifiedTime(p).toMillis() > cutoff) {
                continue; // unreferenced but young: maybe an add or a run about to commit
            }
            removed.add(blob);
            freed += Math.max(0, blobs.size(blob));
        }
        Set<String> deadManifests = new HashSet<>(store.manifestHashes());
        deadManifests.removeAll(liveManifests);
        int cacheFiles = 0;
        List<Path> deadCache = deadCacheFiles(liveHex);
        if (!dryRun) {
            store.deletePacks(deadPacks);
            for (String blob : removed) {
                blobs.delete(blob);
            }
            store.deleteManifests(deadManifests);
            for (Path p : deadCache) {
                if (Files.deleteIfExists(p)) {
                    cacheFiles++;
                }
            }
            blobs.sweepTemporaries(grace.toMillis());
        } else {
            cacheFiles = deadCache.size();
        }
        return new GcReport(dryRun, removed, freed, deadManifests.size(), cacheFiles);
    }

    private List<Path> deadCacheFiles(Set<String> liveHex) throws IOException {
        Path objects = cache.resolve("objects");
        if (!Files.isDirectory(objects)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(objects, 2)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        if (name.endsWith(".tmp")) {
                            return true;
                        }
                        String hex = p.getParent().getFileName() + name.replace(".x", "");
                        return !liveHex.contains(hex);
                    })
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }
}
