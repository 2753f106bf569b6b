package dev.keel.data;

import dev.keel.core.KeelException;

import java.util.Locale;

/**
 * How {@link Datasets#checkout} and {@code run.useDataset} put files in place.
 *
 * <p>{@link #COPY} is the safe default everywhere: independent files, made as copy-on-write
 * clones (reflinks) of the local cache where the file system offers them, so the safe default
 * costs little where clones exist. {@link #REFLINK} insists on clones; {@link #HARDLINK} trades
 * safety for speed on request. Symbolic links into the cache are not offered: they expose the
 * cache object to every edit, exactly like a hard link, and break when the cache moves.
 */
public enum LinkMode {
    /**
     * Independent, writable files; editing one changes nothing stored. The default. Where the
     * target folder and the Keel home's cache ({@code .keel/cache/data}) are on one file system
     * that makes copy-on-write clones (Linux: btrfs, XFS with reflink, bcachefs), each file of
     * 128 KiB or more is a clone of its cache object: it shares the object's blocks until someone
     * edits it. (A file the cache lacks is written from the packs, then cloned into the cache.)
     * Smaller files are written: a clone costs a file system transaction, more than their bytes.
     * Elsewhere (ext4, tmpfs, two file systems, other systems) each file is written from the packs,
     * every object re-hashed as it is read. Whether clones work is tried once per checkout.
     */
    COPY,
    /**
     * {@link #COPY}, but every file a clone, small ones too: the checkout is refused, naming the
     * file system, when the target folder cannot hold clones of the cache (see {@link #COPY}).
     */
    REFLINK,
    /**
     * Read-only hard links to the object cache: no bytes written when the cache holds them. The
     * risk: a checked-out file and its cache object are one file, so whoever can write it (root,
     * or anyone after {@code chmod}) changes the cache. Keel notices a changed cache object (its
     * size, times or inode moved) and rewrites it from the packs before handing it out again, but
     * the links made earlier keep the edited bytes.
     */
    HARDLINK;

    /** The help line shared by the CLI and the docs. */
    public static final String HARDLINK_RISK = "hard links share their bytes with the local cache: editing a"
            + " checked-out file in place (as root, or after chmod) edits the cache and every other checkout"
            + " linked to it; Keel repairs the cache before the next checkout, but not the links made earlier";

    public static LinkMode parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "copy":
                    return COPY;
                case "reflink":
                    return REFLINK;
                case "hardlink":
                case "hard":
                    return HARDLINK;
                default:
                    break;
            }
        }
        throw KeelException.invalid("unknown link mode '" + text + "': use 'copy' (the default: independent files,"
                + " cloned where the file system can), 'reflink' (independent files, clones only)"
                + " or 'hardlink' (shares bytes with the cache: no second copy on disk)");
    }
}
