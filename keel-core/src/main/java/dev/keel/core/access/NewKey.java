package dev.keel.core.access;

/**
 * A key just made: the only moment its full text exists outside the caller's hands. Show it
 * once and drop it; the store keeps only its hash. {@link #toString} hides the secret, so the
 * key cannot reach a log by accident.
 *
 * @param id  the key's public id (for lists and revoking)
 * @param key the full key, {@code keel_<id>_<secret>}
 */
public record NewKey(String user, String id, String key) {
    @Override
    public String toString() {
        return "NewKey[user=" + user + ", id=" + id + ", key=keel_" + id + "_…]";
    }
}
