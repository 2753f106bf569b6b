package dev.keel.data;

/**
 * One path of a version as users see it.
 *
 * @param type   {@code file}, {@code link} or {@code dir} (an empty folder)
 * @param mode   octal permission bits, e.g. 0644 or 0755
 * @param hash   {@code sha256:<hex>} of the file's bytes (of the target for a link), empty for a folder
 * @param chunks how many content-defined chunks a large file is stored as (0 = one object)
 */
public record FileEntry(String path, String type, int mode, long size, String hash, int chunks) {}
