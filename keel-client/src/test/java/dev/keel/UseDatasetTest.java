package dev.keel;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.data.RunInput;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run.useDataset}: a real store, real files, real copies and hard links. */
class UseDatasetTest {
    @TempDir
    Path dir;

    private Run start(Path keel) {
        return Keel.init(RunOptions.builder()
                .project("p")
                .home(keel)
                .systemMetrics(false)
                .build());
    }

    @Test
    void resolvesMaterialisesReadOnlyAndRecordsTheExactVersion() throws Exception {
        Path keel = dir.resolve(".keel");
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("cats"));
        Files.writeString(src.resolve("cats/a.txt"), "meow");
        try (Datasets data = Datasets.open(new KeelHome(keel))) {
            data.add("pets", src, AddOptions.defaults().message("one"));
            Files.writeString(src.resolve("cats/b.txt"), "purr");
            data.add("pets", src, AddOptions.defaults().message("two"));
        }
        String id;
        Path first;
        try (Run run = start(keel)) {
            id = run.id();
            first = run.useDataset("pets:v1");
            assertEquals("meow", Files.readString(first.resolve("cats/a.txt")));
            assertFalse(Files.exists(first.resolve("cats/b.txt")), "v1 has no b.txt");
            assertFalse(
                    Files.getPosixFilePermissions(first.resolve("cats/a.txt"))
                            .contains(PosixFilePermission.OWNER_WRITE),
                    "materialised files are read-only");
            Path latest = run.useDataset(" pets:latest ");
            assertEquals("purr", Files.readString(latest.resolve("cats/b.txt")));
            // Cached: the same version twice gives the same folder.
            assertEquals(first, run.useDataset("pets:v1"));
        }
        try (Datasets data = Datasets.open(new KeelHome(keel))) {
            List<RunInput> inputs = data.inputsOf(id);
            assertEquals(
                    List.of("pets:v1", "pets:v2"),
                    inputs.stream().map(RunInput::ref).toList());
            assertEquals(data.resolve("pets:v1").hash(), inputs.get(0).hash());
            assertEquals(id, data.usesOf("pets:v2").get(0).runId());
        }
    }

    @Test
    void aRunThatEditsItsDatasetInPlaceDoesNotChangeWhatTheNextRunGets() throws Exception {
        Path keel = dir.resolve(".keel");
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("cats"));
        Files.writeString(src.resolve("cats/a.txt"), "meow");
        try (Datasets data = Datasets.open(new KeelHome(keel))) {
            data.add("pets", src, AddOptions.defaults().message("one"));
        }
        // REFLINK needs a file system that clones (ReflinkCheckoutTest mounts one); COPY clones where it can.
        for (LinkMode mode : List.of(LinkMode.COPY, LinkMode.HARDLINK)) {
            try (Run run = start(keel)) {
                Path a = run.useDataset("pets:v1", mode).resolve("cats/a.txt");
                Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r--r--"));
                Files.writeString(a, "MEOW", StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            }
            try (Run run = start(keel)) {
                assertEquals(
                        "meow", Files.readString(run.useDataset("pets:v1", mode).resolve("cats/a.txt")), mode.name());
                assertEquals("meow", Files.readString(run.useDataset("pets:v1").resolve("cats/a.txt")), mode.name());
            }
        }
    }

    @Test
    void aBadReferenceIsAClearError() {
        Path keel = dir.resolve(".keel");
        try (Run run = start(keel)) {
            KeelException unknown = assertThrows(KeelException.class, () -> run.useDataset("nosuch:latest"));
            assertTrue(unknown.getMessage().contains("nosuch"), unknown.getMessage());
            KeelException blank = assertThrows(KeelException.class, () -> run.useDataset(" "));
            assertTrue(blank.getMessage().startsWith("run.useDataset needs a dataset reference"), blank.getMessage());
            assertThrows(KeelException.class, () -> run.useDataset("Bad Name!"));
        }
    }
}
