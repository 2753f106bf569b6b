package dev.keel.examples.apparel.datasets;

import dev.keel.core.KeelHome;
import dev.keel.data.AddResult;
import dev.keel.data.DatasetDiff;
import dev.keel.data.Datasets;
import dev.keel.data.FileChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fashion-MNIST as Keel dataset versions, from the real files (Debian's dataset-fashion-mnist or
 * a downloaded copy): v1 registered, v2 relabelled, diffed and read back.
 */
class FashionMnistVersionsTest {
    @TempDir
    Path tmp;

    @Test
    void registerMakesV1OnceAndRelabelMakesADeterministicV2WithOneAddedFile() throws Exception {
        KeelHome home = new KeelHome(tmp.resolve(".keel"));
        AddResult v1 = FashionMnistVersions.register(home, null);
        assertTrue(v1.created());
        assertEquals("fashion-mnist:v1", v1.version().ref());
        assertEquals(4, v1.version().fileCount());
        assertEquals(47_040_016L + 60_008 + 7_840_016 + 10_008, v1.version().totalBytes());
        assertFalse(FashionMnistVersions.register(home, null).created(), "the same files make no new version");
        assertFalse(FashionMnistVersions.registerIfMissing(home, null, System.out));

        AddResult v2 = FashionMnistVersions.relabel(home, "fashion-mnist:v1", 50, 7);
        assertEquals("fashion-mnist:v2", v2.version().ref());
        assertFalse(
                FashionMnistVersions.relabel(home, "fashion-mnist:v1", 50, 7).created(),
                "the same count and seed give the same content");
        try (Datasets datasets = Datasets.open(home)) {
            DatasetDiff diff = datasets.diff("fashion-mnist:v1", "fashion-mnist:v2");
            assertEquals(
                    List.of(Relabels.FILE),
                    diff.changes().stream().map(FileChange::path).toList());
            assertEquals(FileChange.Kind.ADDED, diff.changes().get(0).kind());

            FashionMnistDataset one = FashionMnistDataset.fromFolder(datasets.materialize("fashion-mnist:v1"));
            FashionMnistDataset two = FashionMnistDataset.fromFolder(datasets.materialize("fashion-mnist:v2"));
            byte[] before = one.train().labels();
            byte[] after = two.train().labels();
            int changed = 0;
            for (int i = 0; i < before.length; i++) {
                changed += before[i] != after[i] ? 1 : 0;
            }
            assertEquals(50, changed);
            assertArrayEquals(one.train().pixels(), two.train().pixels());
            assertArrayEquals(one.test().labels(), two.test().labels(), "the test set is never relabelled");
            assertTrue(two.checksums().containsKey(Relabels.FILE));
            assertEquals(4, one.checksums().size());
        }
    }

    @Test
    void aFolderWithoutTheFilesIsNotFilledFromElsewhere() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("version"));
        DatasetException e = assertThrows(
                DatasetException.class,
                () -> FashionMnistDataset.fromFolder(empty).test());
        assertEquals(
                "dataset fashion-mnist in " + empty + " has no usable t10k-images-idx3-ubyte (no such file)."
                        + " A Keel version of it must hold the four IDX files: register one with ./run register",
                e.getMessage());
    }

    @Test
    void relabelsMadeForOtherLabelsAreRefusedByName() {
        byte[] labels = {0, 1, 2, 3, 4, 5};
        Relabels r = Relabels.flip(labels, 10, 3, 1);
        Relabels back = Relabels.parse(r.toCsv(), "r.csv", 10);
        byte[] applied = back.apply(labels, "r.csv");
        int changed = 0;
        for (int i = 0; i < labels.length; i++) {
            changed += labels[i] != applied[i] ? 1 : 0;
        }
        assertEquals(3, changed);

        byte[] csv = "index,label,was\n2,7,3\n".getBytes(StandardCharsets.UTF_8);
        DatasetException wrong = assertThrows(
                DatasetException.class, () -> Relabels.parse(csv, "r.csv", 10).apply(labels, "r.csv"));
        assertEquals(
                "r.csv: image 2 has label 2, not 3 as the file says: it was made for other training labels",
                wrong.getMessage());
        DatasetException bad = assertThrows(
                DatasetException.class,
                () -> Relabels.parse("index,label,was\n2;7\n".getBytes(StandardCharsets.UTF_8), "r.csv", 10));
        assertEquals("r.csv line 2: expected three integers 'index,label,was', got '2;7'", bad.getMessage());
    }
}
