package {{package}}.datasets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlobsDatasetTest {
    @Test
    void sameSeedGivesTheSamePointsAndEveryClassIsPresent() {
        BlobsDataset a = BlobsDataset.generate(300, 7);
        BlobsDataset b = BlobsDataset.generate(300, 7);
        assertEquals(300, a.size());
        assertArrayEquals(a.features()[123], b.features()[123]);
        int[] perClass = new int[BlobsDataset.CLASS_NAMES.size()];
        for (float label : a.labels()) {
            perClass[(int) label]++;
        }
        assertArrayEquals(new int[] {100, 100, 100}, perClass);
    }

    @Test
    void splitKeepsEveryPointOnce() {
        BlobsDataset[] split = BlobsDataset.generate(100, 1).split(0.8);
        assertEquals(80, split[0].size());
        assertEquals(20, split[1].size());
    }

    @Test
    void tooFewSamplesIsRefusedWithTheMinimum() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlobsDataset.generate(2, 1));
        assertEquals("samples must be at least 3, got 2", e.getMessage());
    }
}
