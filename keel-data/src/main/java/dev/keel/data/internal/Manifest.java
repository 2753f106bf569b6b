package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A version's content: entries sorted by {@link PathOrder}. Its canonical form is UTF-8 text,
 * one line per entry ({@code f 644 <size> <sha256 hex> <path>}, followed for chunked files by
 * {@code c <length> <hex>} lines; {@code l} for links, {@code d 755 0 - <path>} for empty
 * folders) after the header {@code keel-manifest 1}; the SHA-256 of that text is the version's
 * identity. Stored deflated, either whole or as a delta against another manifest (removed paths
 * and changed entries), so a version that changes 1% of 70,000 files stores ~1% of a manifest.
 */
final class Manifest {
    private static final String HEADER = "keel-manifest 1\n";
    private static final String DELTA_HEADER = "keel-delta 1\n";
    private final List<Entry> entries;
    private byte[] canonical;
    private String hash;

    private Manifest(List<Entry> sorted) {
        this.entries = Collections.unmodifiableList(sorted);
    }

    /** Sorts the entries; refuses duplicate or unsafe paths. */
    static Manifest of(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> PathOrder.INSTANCE.compare(a.path(), b.path()));
        for (int i = 0; i < sorted.size(); i++) {
            PathRules.checkStored(sorted.get(i).path(), "to read a manifest");
            if (i > 0 && sorted.get(i).path().equals(sorted.get(i - 1).path())) {
                throw new IllegalStateException(
                        "duplicate path in manifest: " + sorted.get(i).path());
            }
        }
        return new Manifest(sorted);
    }

    List<Entry> entries() {
        return entries;
    }

    long totalBytes() {
        long sum = 0;
        for (Entry e : entries) {
            if (e.type() == Entry.Type.FILE) {
                sum += e.size();
            }
        }
        return sum;
    }

    long fileCount() {
        return entries.stream().filter(e -> e.type() != Entry.Type.DIR).count();
    }

    /** {@code sha256:<hex>} of the canonical text. */
    String hash() {
        if (hash == null) {
            hash = Hashes.of(canonical());
        }
        return hash;
    }

    byte[] canonical() {
        if (canonical == null) {
            StringBuilder sb = new StringBuilder(HEADER.length() + entries.size() * 110);
            sb.append(HEADER);
            for (Entry e : entries) {
                appendEntry(sb, e);
            }
            canonical = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        return canonical;
    }

    /** Every object this manifest needs: small files, links and chunks. */
    Set<String> objectHexes() {
        Set<String> out = new HashSet<>(entries.size() * 2);
        for (Entry e : entries) {
            if (e.type() == Entry.Type.DIR) {
                continue;
            }
            if (e.chunked()) {
                e.chunks().forEach(c -> out.add(c.hash()));
            } else {
                out.add(e.hash());
            }
        }
        return out;
    }

    byte[] encodeWhole() {
        return deflate(canonical());
    }

    /** The changes from {@code base} to this manifest, deflated. */
    byte[] encodeDelta(Manifest base) {
        Map<String, Entry> old = base.byPath();
        StringBuilder sb = new StringBuilder(DELTA_HEADER);
        Set<String> present = new HashSet<>(entries.size() * 2);
        for (Entry e : entries) {
            present.add(e.path());
            Entry o = old.get(e.path());
            if (o == null || !o.sameContent(e) || !o.chunks().equals(e.chunks())) {
                appendEntry(sb, e);
            }
        }
        for (Entry o : base.entries) {
            if (!present.contains(o.path())) {
                sb.append("- ").append(o.path()).append('\n');
            }
        }
        return deflate(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    Map<String, Entry> byPath() {
        Map<String, Entry> map = new HashMap<>(entries.size() * 2);
        for (Entry e : entries) {
            map.put(e.path(), e);
        }
        return map;
    }

    /** Rebuilds a manifest from its stored form; {@code base} is needed for a delta. */
    static Manifest decode(byte[] body, Manifest base) {
        String text = new String(inflate(body), StandardCharsets.UTF_8);
        if (text.startsWith(HEADER)) {
            return parseEntries(text, HEADER.length(), null);
        }
        if (text.startsWith(DELTA_HEADER)) {
            if (base == null) {
                throw corrupt("a delta manifest without its base");
            }
            return parseEntries(text, DELTA_HEADER.length(), base.byPath());
        }
        throw corrupt("an unknown manifest format");
    }

    private static Manifest parseEntries(String text, int pos, Map<String, Entry> base) {
        Map<String, Entry> out = base == null ? new HashMap<>() : base;
        List<Entry> list = base == null ? new ArrayList<>() : null;
        Entry pending = null;
        List<Entry.Chunk> chunks = null;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            if (nl < 0) {
                throw corrupt("a truncated manifest");
            }
            char kind = text.charAt(pos);
            if (kind == 'c') {
                int sp = text.indexOf(' ', pos + 2);
                if (chunks == null || sp < 0) {
                    throw corrupt("a chunk line outside a file entry");
                }
                chunks.add(new Entry.Chunk(text.substring(sp + 1, nl), Integer.parseInt(text, pos + 2, sp, 10)));
            } else {
                if (pending != null) {
                    put(out, list, withChunks(pending, chunks));
                    pending = null;
                }
                if (kind == '-') {
                    out.remove(text.substring(pos + 2, nl));
                } else {
                    int s1 = text.indexOf(' ', pos + 2);
                    int s2 = text.indexOf(' ', s1 + 1);
                    int s3 = text.indexOf(' ', s2 + 1);
                    if (s1 < 0 || s2 < 0 || s3 < 0 || s3 > nl) {
                        throw corrupt("a malformed manifest line");
                    }
                    Entry.Type type;
                    try {
                        type = Entry.Type.of(kind);
                    } catch (IllegalArgumentException e) {
                        throw corrupt("an unknown entry type '" + kind + "'");
                    }
                    String hex = text.substring(s2 + 1, s3);
                    pending = new Entry(
                            text.substring(s3 + 1, nl),
                            type,
                            Integer.parseInt(text, pos + 2, s1, 8),
                            Long.parseLong(text, s1 + 1, s2, 10),
                            hex.equals("-") ? "" : hex,
                            null);
                    chunks = new ArrayList<>();
                }
            }
            pos = nl + 1;
        }
        if (pending != null) {
            put(out, list, withChunks(pending, chunks));
        }
        return Manifest.of(list != null ? list : new ArrayList<>(out.values()));
    }

    private static void put(Map<String, Entry> map, List<Entry> list, Entry e) {
        if (list != null) {
            list.add(e);
        } else {
            map.put(e.path(), e);
        }
    }

    private static Entry withChunks(Entry e, List<Entry.Chunk> chunks) {
        return chunks.isEmpty() ? e : new Entry(e.path(), e.type(), e.mode(), e.size(), e.hash(), List.copyOf(chunks));
    }

    private static void appendEntry(StringBuilder sb, Entry e) {
        sb.append(e.type().code)
                .append(' ')
                .append(Integer.toOctalString(e.mode()))
                .append(' ')
                .append(e.size())
                .append(' ')
                .append(e.hash().isEmpty() ? "-" : e.hash())
                .append(' ')
                .append(e.path())
                .append('\n');
        for (Entry.Chunk c : e.chunks()) {
            sb.append("c ").append(c.length()).append(' ').append(c.hash()).append('\n');
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    private static byte[] inflate(byte[] data) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 3);
            byte[] buf = new byte[1 << 16];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw corrupt("a truncated manifest");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw corrupt("an unreadable manifest (" + e.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    private static KeelException corrupt(String what) {
        return new KeelException(
                KeelException.ErrorCode.CORRUPT_DATA,
                "the dataset store holds " + what + "; run 'keel data verify' to see which versions are affected");
    }
}
