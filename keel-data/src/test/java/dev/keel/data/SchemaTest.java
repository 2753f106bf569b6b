package dev.keel.data;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dataset tables are schema migration 2 of the run store: either may open the database first. */
class SchemaTest {
    @TempDir
    Path tmp;

    @Test
    void datasetsFirstThenTheRunStoreMigratesOverThem() throws Exception {
        KeelHome home = new KeelHome(tmp.resolve("a"));
        Path src = TestTrees.write(tmp, "src/x.txt", "x").getParent();
        try (Datasets d = Datasets.open(home)) {
            d.add("first", src, null);
        }
        try (Store runs = Stores.open(home.storeLocation())) {
            assertTrue(runs.projects().isEmpty());
        }
        try (Datasets d = Datasets.open(home)) {
            assertEquals(1, d.log("first").size());
        }
    }

    @Test
    void runStoreFirstThenDatasetsFindTheirTables() throws Exception {
        KeelHome home = new KeelHome(Files.createDirectories(tmp.resolve("b")));
        try (Store runs = Stores.open(home.storeLocation())) {
            assertTrue(runs.projects().isEmpty());
        }
        Path src = TestTrees.write(tmp, "src2/y.txt", "y").getParent();
        try (Datasets d = Datasets.open(home)) {
            assertEquals(1, d.add("second", src, null).version().number());
        }
    }
}
