package dev.keel.core.access;

/**
 * A web session as stored: the SHA-256 of the cookie's token (the token itself is only in the
 * browser), the user, the token that state-changing requests must echo (CSRF) and its end.
 */
public record StoredSession(String idHash, String user, String csrfToken, long createdAt, long expiresAt) {}
