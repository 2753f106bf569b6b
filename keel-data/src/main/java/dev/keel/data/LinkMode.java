package dev.keel.data;

import dev.keel.core.KeelException;

import java.util.Locale;

/**
 * How {@link Datasets#checkout} and {@code run.useDataset} put files in place.
 *
 * <p>Java 17 cannot ask the file system for a copy-on-write clone (reflink), so there is no
 * reflink mode: {@link #COPY} is the safe default everywhere, and {@link #HARDLINK} trades safety
 * for speed on request. Symbolic links into the cache are not offered: they expose the cache
 * object to every edit, exactly like a hard link, and break when the cache moves.
 */
public enum LinkMode {
    /**
     * Independent files written from the packs (each object re-hashed as it is read). Editing a
     * checked-out file changes nothing stored. The default.
     */
    COPY,
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
                case "hardlink":
                case "hard":
                    return HARDLINK;
                default:
                    break;
            }
        }
        throw KeelException.invalid("unknown link mode '" + text + "': use 'copy' (the default: independent files)"
                + " or 'hardlink' (shares bytes with the cache: no second copy on disk)");
    }
}
