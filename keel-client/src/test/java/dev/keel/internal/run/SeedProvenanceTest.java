package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedProvenanceTest {
    @TempDir
    Path home;

    @Test
    void seedsSetAfterTheRunIsIndexedReachTheStoredProvenance() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0));
            run.flush(); // the run is in the store now
            assertEquals(90_001L, Keel.seed(90_001L));
            assertEquals(90_002L, Keel.seed(90_002L));
        }
        try (Store store = TestRuns.reader(home)) {
            Map<String, Object> p = store.provenance(id);
            // seeds are JVM-wide (earlier tests may have set some): these two come last, in order
            List<?> seeds = (List<?>) p.get("seeds");
            assertEquals(List.of(90_001L, 90_002L), seeds.subList(seeds.size() - 2, seeds.size()));
            assertTrue(p.containsKey("jvm"), "the captured sections are there too: " + p.keySet());
            assertTrue(!p.containsKey("error"), "the stand-in was replaced: " + p.get("error"));
        }
    }
}
