package dev.keel.data.internal;

import java.util.List;

/**
 * One manifest entry. {@code hash} is the SHA-256 hex of the file's bytes (of the link target
 * for links; empty for directories). A file larger than {@link Chunker#MAX} is stored as
 * {@code chunks}; smaller ones (and links) as one object whose hash is {@code hash}.
 */
record Entry(String path, Type type, int mode, long size, String hash, List<Chunk> chunks) {

    enum Type {
        FILE('f'),
        LINK('l'),
        DIR('d');
        final char code;

        Type(char code) {
            this.code = code;
        }

        static Type of(char c) {
            return switch (c) {
                case 'f' -> FILE;
                case 'l' -> LINK;
                case 'd' -> DIR;
                default -> throw new IllegalArgumentException("unknown entry type '" + c + "'");
            };
        }
    }

    /** One content-defined piece of a large file. */
    record Chunk(String hash, int length) {}

    Entry {
        chunks = chunks == null ? List.of() : chunks;
    }

    static Entry file(String path, boolean executable, long size, String hash, List<Chunk> chunks) {
        return new Entry(path, Type.FILE, executable ? 0755 : 0644, size, hash, chunks);
    }

    boolean chunked() {
        return !chunks.isEmpty();
    }

    boolean executable() {
        return (mode & 0100) != 0;
    }

    /** Same content and kind (paths aside). */
    boolean sameContent(Entry o) {
        return type == o.type && mode == o.mode && size == o.size && hash.equals(o.hash);
    }
}
