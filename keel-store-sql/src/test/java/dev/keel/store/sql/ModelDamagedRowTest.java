package dev.keel.store.sql;

import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.VersionDraft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A model version whose stored lineage and tags cannot be read still lists, beside its readable siblings. */
class ModelDamagedRowTest {
    @TempDir
    Path dir;

    @Test
    void aDamagedVersionReadsWithItsProblemNamedAndTheOthersAsStored() throws Exception {
        Path db = dir.resolve("keel.db");
        String hash = "a".repeat(64);
        try (SqliteStore store = new SqliteStore(db)) {
            for (int i = 0; i < 2; i++) {
                store.models()
                        .register(
                                "apparel",
                                "shop",
                                "ana",
                                new VersionDraft(
                                        List.of(new ModelFile("model.ckpt", hash, 42)),
                                        new Lineage("run0000" + i, List.of(), "abc", Map.of(), Map.of("acc", 0.9)),
                                        "",
                                        Map.of("stage", "try"),
                                        "",
                                        "ana"));
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE model_versions SET lineage = '[broken', tags = '{' WHERE version = 1");
        }
        try (SqliteStore store = new SqliteStore(db)) {
            List<ModelVersion> versions = store.models().versions("apparel");
            assertEquals(2, versions.size(), versions.toString());
            ModelVersion bad = versions.get(0);
            assertTrue(
                    String.valueOf(bad.lineage().config().get("_unreadable")).startsWith("lineage: "), bad.toString());
            assertTrue(bad.lineage().metrics().isEmpty(), "a gate finds no metric to pass on");
            assertTrue(bad.tags().containsKey("_unreadable"), bad.toString());
            ModelVersion good = versions.get(1);
            assertEquals(Map.of("acc", 0.9), good.lineage().metrics());
            assertEquals(Map.of("stage", "try"), good.tags());
        }
    }
}
