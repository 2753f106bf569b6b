package dev.keel.server.ui;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class SeriesCacheTest {

    private static Map<String, Object> view(int points) {
        return Map.of("steps", new long[points]);
    }

    @Test
    void holdsAtMostItsPointsEvictingTheLeastRecentlyUsed() {
        SeriesCache cache = new SeriesCache(1000);
        cache.put("a", "v1", view(400));
        cache.put("b", "v1", view(400));
        assertNotNull(cache.get("a", "v1"));
        cache.put("c", "v1", view(400));
        assertNull(cache.get("b", "v1"), "b was the least recently used");
        assertNotNull(cache.get("a", "v1"));
        assertEquals(800, cache.points());
        cache.put("huge", "v1", view(5000));
        assertNull(cache.get("huge", "v1"), "larger than the whole cache: not kept");
        assertEquals(800, cache.points());
    }

    @Test
    void anEntryServesOnlyItsOwnVersion() {
        SeriesCache cache = new SeriesCache(1000);
        cache.put("a", "offset 10", view(10));
        assertNull(cache.get("a", "offset 11"));
        cache.put("a", "offset 11", view(20));
        assertEquals(20, cache.points());
    }
}
