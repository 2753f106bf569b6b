package dev.keel.server.ui;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small LRU of downsampled series, each valid for one version of its run (offset, state…). */
final class SeriesCache {
    private record Entry(String version, Map<String, Object> view) {
    }

    private final Map<String, Entry> entries;

    SeriesCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Map<String, Object> get(String key, String version) {
        Entry e = entries.get(key);
        return e != null && e.version.equals(version) ? e.view : null;
    }

    synchronized void put(String key, String version, Map<String, Object> view) {
        entries.put(key, new Entry(version, view));
    }
}
