package dev.keel.store.sql;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetStore;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.NewVersion;
import dev.keel.core.data.ObjectLocation;
import dev.keel.core.data.RunInput;
import dev.keel.core.data.StoredManifest;
import dev.keel.core.data.Visibility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link DatasetStore} must do, written once and run against SQLite and PostgreSQL
 * through subclasses that say how to make an empty store.
 */
abstract class DatasetStoreContractTest {
    protected DatasetStore store;

    protected abstract DatasetStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static String hash(int n) {
        return String.format("sha256:%064x", n);
    }

    static NewVersion version(String dataset, int manifest, List<ObjectLocation> objects, String message) {
        return new NewVersion(
                new Dataset(dataset, "ada", "", null, 1000L),
                new StoredManifest(hash(manifest), null, new byte[] {1, 2, (byte) manifest}),
                objects,
                message,
                "ada",
                2000L + manifest,
                3,
                300,
                0);
    }

    @Test
    void commitsNumberVersionsAndRecordTheDataset() {
        DatasetStore.Committed v1 = store.commitVersion(version("mnist", 1, List.of(), "first"));
        DatasetStore.Committed v2 = store.commitVersion(version("mnist", 2, List.of(), "second"));
        assertTrue(v1.created());
        assertEquals(1, v1.version().number());
        assertEquals(2, v2.version().number());
        assertEquals("second", store.latest("mnist").orElseThrow().message());
        assertEquals(
                List.of(1, 2),
                store.versions("mnist").stream().map(DatasetVersion::number).toList());
        assertEquals(hash(1), store.version("mnist", 1).orElseThrow().hash());
        Dataset d = store.dataset("mnist").orElseThrow();
        assertEquals("ada", d.owner());
        assertEquals(Visibility.PRIVATE, d.visibility());
        assertEquals(
                List.of("mnist"), store.datasets().stream().map(Dataset::name).toList());
        assertEquals(2, store.allVersions().size());
    }

    @Test
    void identicalContentMakesNoNewVersion() {
        store.commitVersion(version("mnist", 1, List.of(), "first"));
        DatasetStore.Committed again = store.commitVersion(version("mnist", 1, List.of(), "again"));
        assertFalse(again.created());
        assertEquals(1, again.version().number());
        assertEquals(1, store.versions("mnist").size());
    }

    @Test
    void manifestsKeepTheirBytes() {
        store.commitVersion(version("mnist", 7, List.of(), "m"));
        StoredManifest m = store.manifest(hash(7)).orElseThrow();
        assertArrayEquals(new byte[] {1, 2, 7}, m.body());
        assertTrue(store.manifestHashes().contains(hash(7)));
        store.deleteManifests(List.of(hash(7)));
        assertTrue(store.manifest(hash(7)).isEmpty());
    }

    @Test
    void hashPrefixesFindVersions() {
        store.commitVersion(version("mnist", 0xabcdef, List.of(), "m"));
        String hex = hash(0xabcdef).substring(7);
        assertEquals(
                1, store.versionsByHashPrefix("mnist", hex.substring(0, 12)).size());
        assertTrue(store.versionsByHashPrefix("mnist", "ffff").isEmpty());
    }

    @Test
    void objectsAreIndexedByPack() {
        List<ObjectLocation> objects = List.of(
                new ObjectLocation(hash(11), hash(100), 0, 10),
                new ObjectLocation(hash(12), hash(100), 10, 5),
                new ObjectLocation(hash(13), hash(101), 0, 7));
        store.commitVersion(version("mnist", 1, objects, "m"));
        Map<String, ObjectLocation> found = store.locate(List.of(hash(11), hash(13), hash(99)));
        assertEquals(Set.of(hash(11), hash(13)), found.keySet());
        assertEquals(10, found.get(hash(11)).length());
        assertEquals(Set.of(hash(100), hash(101)), store.packs());
        assertEquals(Set.of(hash(11), hash(12), hash(13)), store.objectHashes());
        assertEquals(
                List.of(0L, 10L),
                store.objectsInPacks(List.of(hash(100))).stream()
                        .map(ObjectLocation::offset)
                        .toList());
        store.deletePacks(List.of(hash(100)));
        assertEquals(Set.of(hash(13)), store.objectHashes());
    }

    @Test
    void locatesManyObjectsAtOnce() {
        List<ObjectLocation> objects = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            objects.add(new ObjectLocation(hash(10_000 + i), hash(1), i * 10L, 10));
            wanted.add(hash(10_000 + i));
        }
        store.commitVersion(version("big", 1, objects, "m"));
        assertEquals(2500, store.locate(wanted).size());
    }

    /**
     * Both ways of looking many objects up (one pass over the table where the objects wanted are
     * most of it, lookups by hash where they are a small part) find exactly the objects wanted
     * that are stored, each where it is.
     */
    @Test
    void manyObjectsAreFoundWhereTheyAreWhicheverWayTheyAreLookedUp() {
        List<ObjectLocation> objects = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            objects.add(new ObjectLocation(hash(20_000 + i), hash(2 + i % 3), i * 7L, 7 + i % 5));
        }
        store.commitVersion(version("big", 1, objects, "m"));
        // most of the table (and some never stored): a pass over it
        Set<String> most = new HashSet<>();
        for (int i = 0; i < 12_000; i++) {
            if (i % 12 != 0) {
                most.add(hash(20_000 + i));
            }
        }
        most.add(hash(99_999));
        // a small part of it: lookups by hash
        List<String> few = new ArrayList<>();
        for (int i = 0; i < 2_100; i++) {
            few.add(hash(20_000 + i * 5));
        }
        few.add(hash(99_998));
        for (Collection<String> wanted : List.<Collection<String>>of(most, few)) {
            Map<String, ObjectLocation> found = store.locate(wanted);
            Set<String> expected = new HashSet<>(wanted);
            expected.removeAll(Set.of(hash(99_999), hash(99_998)));
            assertEquals(expected, found.keySet());
            for (ObjectLocation o : objects) {
                if (found.containsKey(o.hash())) {
                    assertEquals(o, found.get(o.hash()));
                }
            }
        }
        SqlDatasetStore sql = assertInstanceOf(SqlDatasetStore.class, store);
        assertTrue(sql.scansFor(most.size()), "most of the table: a pass over it");
        assertFalse(sql.scansFor(few.size()), "a small part: lookups by hash");
        assertFalse(sql.scansFor(SqlDatasetStore.SCAN_FROM - 1), "few objects: lookups whatever the table");
    }

    @Test
    void tagsPointAndMove() {
        store.commitVersion(version("mnist", 1, List.of(), "a"));
        store.commitVersion(version("mnist", 2, List.of(), "b"));
        store.tag("mnist", "prod", 1);
        store.tag("mnist", "prod", 2);
        store.tag("mnist", "old", 1);
        assertEquals(Map.of("old", 1, "prod", 2), store.tags("mnist"));
        assertEquals(List.of("old", "prod"), new ArrayList<>(store.tags("mnist").keySet()));
        assertTrue(store.untag("mnist", "old"));
        assertFalse(store.untag("mnist", "old"));
        assertEquals(Map.of("prod", 2), store.tags("mnist"));
    }

    @Test
    void savingADatasetUpdatesOnlyWhatIsGiven() {
        store.saveDataset("cats", "bob", "pictures", Visibility.TEAM, 5);
        Dataset d = store.saveDataset("cats", "eve", null, null, 9);
        assertEquals("bob", d.owner());
        assertEquals("pictures", d.description());
        assertEquals(Visibility.TEAM, d.visibility());
        assertEquals(5, d.createdAt());
        assertEquals(
                Visibility.PUBLIC,
                store.saveDataset("cats", null, "", Visibility.PUBLIC, 9).visibility());
    }

    @Test
    void lineageRecordsRunInputs() {
        DatasetVersion v1 =
                store.commitVersion(version("mnist", 1, List.of(), "a")).version();
        DatasetVersion v2 =
                store.commitVersion(version("mnist", 2, List.of(), "b")).version();
        store.recordUse(new RunInput("run1", "mnist", 1, v1.hash(), 10));
        store.recordUse(new RunInput("run1", "mnist", 1, v1.hash(), 11));
        store.recordUse(new RunInput("run2", "mnist", 2, v2.hash(), 20));
        assertEquals(1, store.inputsOf("run1").size());
        assertEquals(
                List.of("run2", "run1"),
                store.usesOf("mnist", 0).stream().map(RunInput::runId).toList());
        assertEquals(
                List.of("run2"),
                store.usesOf("mnist", 2).stream().map(RunInput::runId).toList());
    }

    @Test
    void deletingRemovesVersionsTagsAndLineage() {
        store.commitVersion(version("mnist", 1, List.of(), "a"));
        store.commitVersion(version("mnist", 2, List.of(), "b"));
        store.tag("mnist", "prod", 2);
        store.recordUse(new RunInput("run1", "mnist", 2, hash(2), 1));
        assertTrue(store.deleteVersion("mnist", 2));
        assertFalse(store.deleteVersion("mnist", 2));
        assertTrue(store.tags("mnist").isEmpty());
        assertTrue(store.inputsOf("run1").isEmpty());
        assertEquals(1, store.latest("mnist").orElseThrow().number());
        store.addObjects("mnist", List.of(new ObjectLocation(hash(5), hash(50), 0, 1)));
        assertTrue(store.deleteDataset("mnist"));
        assertTrue(store.dataset("mnist").isEmpty());
        assertTrue(store.versions("mnist").isEmpty());
        assertTrue(store.inScope("mnist", List.of(hash(5))).isEmpty());
        assertFalse(store.deleteDataset("mnist"));
    }

    @Test
    void scopeIsPerDataset() {
        store.addObjects("a", List.of(loc(1, 0), loc(2, 1), loc(2, 1)));
        store.addObjects("a", List.of(loc(2, 9), loc(3, 2)));
        store.addObjects("b", List.of(loc(4, 3)));
        assertEquals(Set.of(hash(1), hash(3)), store.inScope("a", List.of(hash(1), hash(3), hash(4))));
        assertTrue(store.inScope("b", List.of(hash(1))).isEmpty());
        // indexed too, and an object keeps its first location
        assertEquals(1, store.locate(List.of(hash(2))).get(hash(2)).offset());
        assertEquals(Set.of(hash(1), hash(2), hash(3), hash(4)), store.objectHashes());
    }

    private static ObjectLocation loc(int object, long offset) {
        return new ObjectLocation(hash(object), hash(77), offset, 1);
    }

    @Test
    void concurrentCommitsGetDistinctNumbers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DatasetStore.Committed>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i + 1;
                futures.add(pool.submit(() -> store.commitVersion(version("race", n, List.of(), "v" + n))));
            }
            Set<Integer> numbers = new TreeSet<>();
            for (Future<DatasetStore.Committed> f : futures) {
                numbers.add(f.get().version().number());
            }
            assertEquals(Set.of(1, 2, 3, 4, 5, 6, 7, 8), numbers);
        } finally {
            pool.shutdownNow();
        }
    }
}
