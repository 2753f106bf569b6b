package dev.keel.data.internal;

import dev.keel.core.KeelException;
import dev.keel.core.blob.Hashes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The two byte formats of dataset transfer. An <b>upload</b> (client → server) is a pack with its
 * index in front: {@code keel-pack 1\n<count>\n}, then {@code <64 hex> <length>\n} per object,
 * then the objects' bytes back to back; the server hashes each object as it streams past. A
 * <b>download</b> (server → client) is a sequence of frames {@code <64 hex> <length>\n<bytes>}
 * closed by {@code end\n}, so the server may send objects in the order its packs hold them.
 */
final class Wire {
    static final String PACK_HEADER = "keel-pack 1";
    static final String END = "end";
    /** Objects are at most 256 KiB (whole small files or chunks); a little slack for old data. */
    static final long MAX_OBJECT = 16L << 20;

    static final int MAX_OBJECTS_PER_PACK = 1_000_000;
    /** One upload is at most this large (push sends parts of 64 MiB). */
    static final long MAX_PACK_BYTES = 1L << 30;

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Wire() {}

    /** One object in a transfer: its address and length. */
    public record Item(String address, long length) {}

    static byte[] packHeader(List<Item> items) {
        StringBuilder sb = new StringBuilder(items.size() * 80 + 32);
        sb.append(PACK_HEADER).append('\n').append(items.size()).append('\n');
        for (Item i : items) {
            sb.append(Hex.strip(i.address())).append(' ').append(i.length()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] frameHeader(String address, long length) {
        return (Hex.strip(address) + " " + length + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static void writeEnd(OutputStream out) throws IOException {
        out.write((END + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads an upload's index, leaving {@code in} at the first object byte. */
    static List<Item> readPackHeader(InputStream in) throws IOException {
        String magic = line(in);
        if (!PACK_HEADER.equals(magic)) {
            throw bad("an upload must start with '" + PACK_HEADER + "', got '" + shorten(magic) + "'");
        }
        String countText = line(in);
        int count;
        try {
            count = Integer.parseInt(countText);
        } catch (NumberFormatException e) {
            throw bad("the object count '" + shorten(countText) + "' is not a number");
        }
        if (count < 0 || count > MAX_OBJECTS_PER_PACK) {
            throw bad("an upload holds 0 to " + MAX_OBJECTS_PER_PACK + " objects, not " + count);
        }
        List<Item> items = new ArrayList<>(Math.min(count, 100_000));
        long total = 0;
        for (int i = 0; i < count; i++) {
            String l = line(in);
            if (l == null) {
                throw bad("the upload's index ends after " + i + " of " + count + " objects");
            }
            Item item = item(l);
            total += item.length();
            if (total > MAX_PACK_BYTES) {
                throw bad("an upload holds at most " + MAX_PACK_BYTES + " bytes: send the objects in several uploads");
            }
            items.add(item);
        }
        return items;
    }

    /** The next download frame's item, or null at {@code end}. */
    static Item readFrame(InputStream in) throws IOException {
        String l = line(in);
        if (l == null) {
            throw new IOException("the download ended early (connection lost?); run the command again to resume");
        }
        return END.equals(l) ? null : item(l);
    }

    private static Item item(String l) {
        int sp = l.indexOf(' ');
        String hex = sp < 0 ? l : l.substring(0, sp);
        if (sp < 0 || !HEX.matcher(hex).matches()) {
            throw bad("'" + shorten(l) + "' is not '<64 hex digits> <length>'");
        }
        long length;
        try {
            length = Long.parseLong(l.substring(sp + 1));
        } catch (NumberFormatException e) {
            throw bad("the length in '" + shorten(l) + "' is not a number");
        }
        if (length < 0 || length > MAX_OBJECT) {
            throw bad("object " + hex + " has length " + length + "; objects are 0 to " + MAX_OBJECT + " bytes");
        }
        return new Item(Hashes.PREFIX + hex, length);
    }

    /** A line of at most 200 ASCII bytes; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(80);
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (sb.length() >= 200) {
                throw bad("a header line is longer than 200 bytes: is this a Keel transfer?");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static KeelException bad(String message) {
        return KeelException.invalid(message);
    }
}
