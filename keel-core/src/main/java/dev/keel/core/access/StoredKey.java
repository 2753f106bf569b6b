package dev.keel.core.access;

/**
 * An API key as stored: its public id and the SHA-256 of the whole key, never the key itself.
 *
 * @param id        the public part of the key, shown in lists so a user can tell keys apart
 * @param hash      hex SHA-256 of the full key text
 * @param revokedAt epoch milliseconds, 0 while the key is valid
 */
public record StoredKey(String id, String user, String hash, long createdAt, long revokedAt) {

    public boolean revoked() {
        return revokedAt > 0;
    }
}
