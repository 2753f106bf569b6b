package dev.keel.data.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    private static final String H1 = "a".repeat(64);
    private static final String H2 = "b".repeat(64);

    @Test
    void canonicalFormIsSortedByCodePointAndItsHashIgnoresInputOrder() {
        Entry e1 = Entry.file("b.txt", false, 1, H1, null);
        Entry e2 = Entry.file("a/\uD83D\uDE00.txt", true, 2, H2, null); // beyond U+FFFF
        Entry e3 = Entry.file("a/\uFF21.txt", false, 3, H1, null); // U+FF21 sorts before U+1F600
        Manifest m = Manifest.of(List.of(e1, e2, e3));
        Manifest n = Manifest.of(List.of(e3, e1, e2));
        assertEquals(m.hash(), n.hash());
        assertEquals(
                List.of("a/\uFF21.txt", "a/\uD83D\uDE00.txt", "b.txt"),
                m.entries().stream().map(Entry::path).toList());
        assertEquals(
                "keel-manifest 1\nf 644 3 " + H1 + " a/\uFF21.txt\nf 755 2 " + H2 + " a/\uD83D\uDE00.txt\nf 644 1 " + H1
                        + " b.txt\n",
                new String(m.canonical(), StandardCharsets.UTF_8));
    }

    @Test
    void wholeAndDeltaEncodingsRebuildTheSameManifest() {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            entries.add(Entry.file("dir/" + i + ".png", false, i, hex(i), null));
        }
        entries.add(Entry.file(
                "big.bin", false, 600_000, H1, List.of(new Entry.Chunk(H1, 300_000), new Entry.Chunk(H2, 300_000))));
        entries.add(new Entry("empty", Entry.Type.DIR, 0755, 0, "", null));
        Manifest base = Manifest.of(entries);
        List<Entry> changed = new ArrayList<>(entries);
        changed.remove(5);
        changed.set(10, Entry.file(changed.get(10).path(), false, 99, hex(-1), null));
        changed.add(Entry.file("new.txt", false, 1, H2, null));
        Manifest next = Manifest.of(changed);

        Manifest whole = Manifest.decode(next.encodeWhole(), null);
        assertArrayEquals(next.canonical(), whole.canonical());
        byte[] delta = next.encodeDelta(base);
        assertTrue(delta.length * 20 < next.encodeWhole().length, "a delta of 3 changes is small: " + delta.length);
        assertEquals(next.hash(), Manifest.decode(delta, base).hash());
        assertEquals(
                2,
                Manifest.decode(base.encodeWhole(), null).entries().stream()
                        .filter(e -> e.path().equals("big.bin"))
                        .findFirst()
                        .orElseThrow()
                        .chunks()
                        .size());
    }

    @Test
    void chunkBoundariesDependOnContentOnlyAndRespectTheLimits() {
        byte[] data = new byte[4 << 20];
        new Random(3).nextBytes(data);
        List<Integer> cuts = cuts(data, 0);
        assertTrue(cuts.stream().allMatch(c -> c >= Chunker.MIN && c <= Chunker.MAX) || cuts.size() == 1);
        double avg = data.length / (double) cuts.size();
        assertTrue(avg > 40_000 && avg < 110_000, "average chunk " + avg);
        // The same bytes at another offset in the buffer cut at the same places.
        byte[] shifted = new byte[data.length + 7];
        System.arraycopy(data, 0, shifted, 7, data.length);
        assertEquals(cuts, cuts(shifted, 7));
    }

    private static List<Integer> cuts(byte[] data, int start) {
        List<Integer> out = new ArrayList<>();
        for (int pos = start; pos < data.length; ) {
            int len = Chunker.cut(data, pos, data.length - pos);
            out.add(len);
            pos += len;
        }
        return out;
    }

    private static String hex(int i) {
        return String.format("%064x", i & 0xffffffffL);
    }
}
