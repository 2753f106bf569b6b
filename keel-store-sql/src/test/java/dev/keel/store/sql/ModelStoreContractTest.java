package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.model.AliasMove;
import dev.keel.core.model.Lineage;
import dev.keel.core.model.ModelFile;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelStore;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.VersionDraft;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link ModelStore} must do, written once and run on SQLite, PostgreSQL and the
 * remote store talking to a real server. The drafts name runs {@code run00000}…{@code run00009}
 * of project {@code shop} and {@link #OTHER_RUN} of project {@code other}, whose files hold
 * {@link #H1} and {@link #H2}: a server registers only contents its run holds.
 */
public abstract class ModelStoreContractTest {
    protected static final String H1 = "sha256:" + "1".repeat(64);
    protected static final String H2 = "sha256:" + "2".repeat(64);
    protected static final String OTHER_RUN = "other001";

    protected Store store;
    protected ModelStore models;

    protected abstract Store newStore() throws Exception;

    /**
     * Whether the owner, registrant and alias mover are the ones given to the store; a server
     * records its caller instead.
     */
    protected boolean keepsTheGivenUser() {
        return true;
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
        models = store.models();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static VersionDraft draft(String run, String hash, double accuracy) {
        return new VersionDraft(
                List.of(new ModelFile("model.ckpt", hash, 42)),
                new Lineage(
                        run,
                        List.of("fashion-mnist:v3"),
                        "abc123",
                        Map.of("lr", 0.01, "layers", List.of(64, 32)),
                        Map.of("test_accuracy", accuracy, "loss", Double.NaN)),
                "input: float32[1,28,28]",
                Map.of("stage", "try"),
                "first try",
                "ana");
    }

    @Test
    void versionsAreNumberedFromOneAndKeepWhatWasRegistered() {
        ModelVersion v1 = models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        ModelVersion v2 = models.register("apparel", "shop", "bo", draft("run00002", H2, 0.9));
        assertEquals("apparel:v1", v1.ref());
        assertEquals("apparel:v2", v2.ref());
        ModelVersion read = models.version("apparel", 1).orElseThrow();
        assertEquals(List.of(new ModelFile("model.ckpt", H1, 42)), read.files());
        assertEquals("run00001", read.lineage().runId());
        assertEquals(List.of("fashion-mnist:v3"), read.lineage().datasets());
        assertEquals("abc123", read.lineage().commit());
        assertEquals(0.85, read.lineage().metrics().get("test_accuracy"));
        assertTrue(read.lineage().metrics().get("loss").isNaN());
        assertEquals("[64, 32]", String.valueOf(read.lineage().config().get("layers")));
        assertEquals("input: float32[1,28,28]", read.signature());
        assertEquals(Map.of("stage", "try"), read.tags());
        assertEquals("first try", read.description());
        if (keepsTheGivenUser()) {
            assertEquals("ana", read.createdBy());
            assertEquals("ana", models.model("apparel").orElseThrow().owner());
        }
        assertEquals("shop", models.model("apparel").orElseThrow().project());
        assertEquals(
                List.of(1, 2),
                models.versions("apparel").stream().map(ModelVersion::version).toList());
        assertEquals(2, models.resolve(ModelRef.parse("apparel")).version());
        assertEquals(
                List.of("apparel:v2"),
                models.versionsOfRun("run00002").stream().map(ModelVersion::ref).toList());
        assertEquals(List.of(), models.versionsOfRun("run00009"));
    }

    @Test
    void aNameRegisteredFromOneProjectIsRefusedFromAnother() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        KeelException e = assertThrows(
                KeelException.class, () -> models.register("apparel", "other", "ana", draft(OTHER_RUN, H1, 0.85)));
        assertEquals(
                "model apparel belongs to project shop, not other: register this run's files under another name",
                e.getMessage());
    }

    @Test
    void aliasesMoveAndKeepTheirHistory() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.register("apparel", "shop", "ana", draft("run00002", H2, 0.9));
        models.moveAlias("apparel", "production", 1, "ana");
        AliasMove m = models.moveAlias("apparel", "production", 2, "bo");
        assertEquals(1, m.from());
        assertEquals(Map.of("production", 2), models.aliases("apparel"));
        assertEquals(2, models.resolve(ModelRef.parse("apparel@production")).version());
        assertTrue(models.removeAlias("apparel", "production", "cy"));
        assertFalse(models.removeAlias("apparel", "production", "cy"));
        List<AliasMove> moves = models.aliasMoves("apparel");
        assertEquals(List.of(1, 2, 0), moves.stream().map(AliasMove::version).toList());
        if (keepsTheGivenUser()) {
            assertEquals(
                    List.of("ana", "bo", "cy"),
                    moves.stream().map(AliasMove::movedBy).toList());
        }
        KeelException missing = assertThrows(KeelException.class, () -> models.moveAlias("apparel", "staging", 7, "a"));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.code());
    }

    @Test
    void aVersionUnderAnAliasIsNotRemovedAndNumbersAreNeverReused() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.register("apparel", "shop", "ana", draft("run00002", H2, 0.9));
        models.moveAlias("apparel", "production", 2, "ana");
        KeelException e = assertThrows(KeelException.class, () -> models.deleteVersion("apparel", 2));
        assertEquals(
                "cannot remove apparel:v2: apparel@production points at it; move the alias first ('keel model alias"
                        + " apparel@production VERSION')",
                e.getMessage());
        models.moveAlias("apparel", "production", 1, "ana");
        models.deleteVersion("apparel", 2);
        assertTrue(models.version("apparel", 2).isEmpty());
        assertEquals(List.of(H1), models.heldHashes());
        assertEquals(
                3,
                models.register("apparel", "shop", "ana", draft("run00003", H2, 0.9))
                        .version());
    }

    @Test
    void removingTheLastVersionRemovesTheModel() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.deleteVersion("apparel", 1);
        assertTrue(models.model("apparel").isEmpty());
        assertEquals(List.of(), models.models());
        KeelException e = assertThrows(KeelException.class, () -> models.resolve(ModelRef.parse("apparel")));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code());
    }

    @Test
    void tagsAreSetAndRemovedOnVersionsAndModels() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.tag("apparel", 1, Map.of("stage", "", "reviewed", "yes"));
        models.tag("apparel", 0, Map.of("team", "vision"));
        assertEquals(
                Map.of("reviewed", "yes"),
                models.version("apparel", 1).orElseThrow().tags());
        assertEquals(
                Map.of("team", "vision"), models.model("apparel").orElseThrow().tags());
    }

    @Test
    void aRenamedModelKeepsItsVersionsAliasesAndTheirHistory() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.register("apparel", "shop", "ana", draft("run00002", H2, 0.9));
        models.moveAlias("apparel", "production", 1, "ana");
        models.moveAlias("apparel", "production", 2, "ana");
        models.tag("apparel", 0, Map.of("team", "vision"));
        models.rename("apparel", "garments");
        assertTrue(models.model("apparel").isEmpty());
        assertEquals("shop", models.model("garments").orElseThrow().project());
        assertEquals(
                Map.of("team", "vision"), models.model("garments").orElseThrow().tags());
        assertEquals(
                List.of("garments:v1", "garments:v2"),
                models.versions("garments").stream().map(ModelVersion::ref).toList());
        assertEquals(
                List.of(H1),
                models.version("garments", 1).orElseThrow().files().stream()
                        .map(ModelFile::hash)
                        .toList());
        assertEquals(Map.of("production", 2), models.aliases("garments"));
        assertEquals(
                List.of(1, 2),
                models.aliasMoves("garments").stream().map(AliasMove::version).toList());
        assertEquals(2, models.resolve(ModelRef.parse("garments@production")).version());
        assertEquals(
                List.of("garments:v1"),
                models.versionsOfRun("run00001").stream().map(ModelVersion::ref).toList());
        assertEquals(
                3,
                models.register("garments", "shop", "ana", draft("run00003", H1, 0.9))
                        .version());
    }

    @Test
    void aRenameOntoATakenNameIsRefusedAndChangesNothing() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.register("shoes", "shop", "ana", draft("run00002", H2, 0.9));
        KeelException e = assertThrows(KeelException.class, () -> models.rename("apparel", "shoes"));
        assertEquals(ErrorCode.RESOURCE_ALREADY_EXISTS, e.code());
        assertEquals("a model named shoes already exists: choose another name", e.getMessage());
        assertEquals(
                H1, models.resolve(ModelRef.parse("apparel")).files().get(0).hash());
        assertEquals(H2, models.resolve(ModelRef.parse("shoes")).files().get(0).hash());
        KeelException missing = assertThrows(KeelException.class, () -> models.rename("boots", "hats"));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, missing.code());
    }

    @Test
    void descriptionsAreReplacedOnModelsAndVersions() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        models.describe("apparel", 0, "classifies clothes");
        models.describe("apparel", 1, "the baseline");
        assertEquals("classifies clothes", models.model("apparel").orElseThrow().description());
        assertEquals("the baseline", models.version("apparel", 1).orElseThrow().description());
        models.describe("apparel", 1, "");
        assertEquals("", models.version("apparel", 1).orElseThrow().description());
        KeelException e = assertThrows(KeelException.class, () -> models.describe("apparel", 4, "nothing"));
        assertEquals(ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code());
    }

    @Test
    void refsThatNameNothingSayWhatIsMissing() {
        models.register("apparel", "shop", "ana", draft("run00001", H1, 0.85));
        assertEquals(
                "no model named 'shoes': 'keel model ls' lists the registered models; 'keel model register shoes"
                        + " --run RUN' registers one",
                assertThrows(KeelException.class, () -> models.resolve(ModelRef.parse("shoes")))
                        .getMessage());
        assertEquals(
                "model apparel has no version v9: 'keel model versions apparel' lists them",
                assertThrows(KeelException.class, () -> models.resolve(ModelRef.parse("apparel:v9")))
                        .getMessage());
        assertEquals(
                "model apparel has no alias 'production' (aliases: ): set it with 'keel model alias"
                        + " apparel@production VERSION'",
                assertThrows(KeelException.class, () -> models.resolve(ModelRef.parse("apparel@production")))
                        .getMessage());
    }

    @Test
    void concurrentRegistrationsGetDistinctNumbers() throws Exception {
        models.register("apparel", "shop", "ana", draft("run00000", H1, 0.8));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ModelVersion>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String run = "run0000" + i;
                futures.add(pool.submit(() -> models.register("apparel", "shop", "ana", draft(run, H2, 0.9))));
            }
            Set<Integer> numbers = new HashSet<>();
            for (Future<ModelVersion> f : futures) {
                numbers.add(f.get().version());
            }
            assertEquals(Set.of(2, 3, 4, 5, 6, 7, 8, 9), numbers);
        } finally {
            pool.shutdownNow();
        }
    }
}
