package dev.keel.server.ui;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small LRU of downsampled series, each valid for one version of its run (log offset, state,
 * heartbeat). Bounded by the points it holds, not by entries, so a few wide charts cannot take
 * the server's memory: about 60 bytes a point as JSON-ready boxed values.
 */
final class SeriesCache {
    private record Entry(String version, Map<String, Object> view, int points) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    private final long maxPoints;
    private long points;

    SeriesCache(long maxPoints) {
        this.maxPoints = maxPoints;
    }

    synchronized Map<String, Object> get(String key, String version) {
        Entry e = entries.get(key);
        return e != null && e.version.equals(version) ? e.view : null;
    }

    synchronized void put(String key, String version, Map<String, Object> view) {
        Object steps = view.get("steps");
        int n = steps instanceof long[] a ? a.length : steps instanceof List<?> l ? l.size() : 0;
        if (n > maxPoints) {
            return;
        }
        Entry old = entries.put(key, new Entry(version, view, n));
        points += n - (old == null ? 0 : old.points);
        for (Iterator<Entry> it = entries.values().iterator(); points > maxPoints && it.hasNext(); ) {
            points -= it.next().points;
            it.remove();
        }
    }

    synchronized long points() {
        return points;
    }
}
