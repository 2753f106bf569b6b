package dev.keel.core.access;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.util.Collection;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Users, keys, teams and sessions over an {@link AccessStore}: makes the secrets, stores only
 * their hashes and checks presented ones in constant time. The server's API, its
 * authenticator and {@code keel server users …} all go through this class.
 *
 * <p>API keys read {@code keel_<id>_<secret>}: the id (12 base62 characters) finds the stored
 * hash, the secret (43 base62 characters, 256 random bits) proves possession. Keys are never
 * logged; {@link NewKey#toString} hides the secret.
 */
public final class Accounts {
    public static final String KEY_PREFIX = "keel_";
    static final int ID_LENGTH = 12;
    static final int SECRET_LENGTH = 43;
    /** How long a web session lasts from sign-in. */
    public static final long SESSION_TTL_MS = 7L * 24 * 3600 * 1000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    private final AccessStore store;
    private final LongSupplier clock;

    public Accounts(AccessStore store) {
        this(store, System::currentTimeMillis);
    }

    public Accounts(AccessStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    public AccessStore store() {
        return store;
    }

    /**
     * Creates a user with a first API key, adding them to {@code teams} (creating teams that do
     * not exist yet). {@code password} is optional (null: key sign-in only).
     */
    public NewKey createUser(String name, boolean admin, Collection<String> teams, String password) {
        checkName(name, "user");
        teams.forEach(t -> checkName(t, "team"));
        String hash = null;
        if (password != null) {
            Passwords.check(password);
            hash = Passwords.hash(password);
        }
        store.createUser(new User(name, admin, clock.getAsLong()), hash);
        for (String team : teams) {
            if (!store.teams().contains(team)) {
                createTeam(team);
            }
            store.addMember(team, name);
        }
        return newKey(name);
    }

    /** A new key for an existing user; the only time its full text is available. */
    public NewKey newKey(String user) {
        requireUser(user);
        String id = Secrets.token(ID_LENGTH);
        String key = KEY_PREFIX + id + "_" + Secrets.token(SECRET_LENGTH);
        store.addKey(new StoredKey(id, user, Secrets.sha256Hex(key), clock.getAsLong(), 0));
        return new NewKey(user, id, key);
    }

    /** Revokes a key by id (or by the full key, whose id is then taken); false when unknown or already revoked. */
    public boolean revoke(String idOrKey) {
        String id = idOrKey.startsWith(KEY_PREFIX) ? keyId(idOrKey).orElse(idOrKey) : idOrKey;
        return store.revokeKey(id, clock.getAsLong());
    }

    /** The user a presented key belongs to; empty for a malformed, unknown or revoked key. */
    public Optional<User> verifyKey(String key) {
        Optional<String> id = keyId(key);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<StoredKey> stored = store.key(id.get());
        if (stored.isEmpty()
                || stored.get().revoked()
                || !Secrets.constantTimeEquals(stored.get().hash(), Secrets.sha256Hex(key))) {
            return Optional.empty();
        }
        return store.user(stored.get().user());
    }

    /** The user when the password matches theirs; empty otherwise (also for users without a password). */
    public Optional<User> verifyPassword(String user, String password) {
        Optional<String> stored = store.passwordHash(user);
        if (stored.isEmpty() || !Passwords.matches(password, stored.get())) {
            return Optional.empty();
        }
        return store.user(user);
    }

    public void setPassword(String user, String password) {
        requireUser(user);
        Passwords.check(password);
        store.setPassword(user, Passwords.hash(password));
    }

    /** A session just started: the cookie token (never stored) and the CSRF token. */
    public record Session(String token, String user, String csrfToken, long expiresAt) {
        @Override
        public String toString() {
            return "Session[user=" + user + "]";
        }
    }

    public Session startSession(String user) {
        requireUser(user);
        String token = Secrets.token256();
        String csrf = Secrets.token256();
        long now = clock.getAsLong();
        store.createSession(new StoredSession(Secrets.sha256Hex(token), user, csrf, now, now + SESSION_TTL_MS));
        return new Session(token, user, csrf, now + SESSION_TTL_MS);
    }

    /** The live session a cookie token names; empty when unknown or expired. */
    public Optional<StoredSession> session(String token) {
        if (token == null || token.length() != SECRET_LENGTH || !Secrets.isBase62(token)) {
            return Optional.empty();
        }
        return store.session(Secrets.sha256Hex(token)).filter(s -> s.expiresAt() > clock.getAsLong());
    }

    public void endSession(String token) {
        if (token != null && !token.isEmpty()) {
            store.deleteSession(Secrets.sha256Hex(token));
        }
    }

    public void createTeam(String name) {
        checkName(name, "team");
        store.createTeam(name, clock.getAsLong());
    }

    public boolean addMember(String team, String user) {
        requireTeam(team);
        requireUser(user);
        return store.addMember(team, user);
    }

    public boolean removeMember(String team, String user) {
        requireTeam(team);
        return store.removeMember(team, user);
    }

    public User requireUser(String user) {
        return store.user(user)
                .orElseThrow(() -> KeelException.notFound(
                        "no user '" + user + "': create it with 'keel server users add " + user + "'"));
    }

    private void requireTeam(String team) {
        if (!store.teams().contains(team)) {
            throw KeelException.notFound("no team '" + team + "': create it with 'keel server teams add " + team + "'");
        }
    }

    /** The id inside a well-formed key. */
    static Optional<String> keyId(String key) {
        if (key == null
                || key.length() != KEY_PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH
                || !key.startsWith(KEY_PREFIX)
                || key.charAt(KEY_PREFIX.length() + ID_LENGTH) != '_') {
            return Optional.empty();
        }
        String id = key.substring(KEY_PREFIX.length(), KEY_PREFIX.length() + ID_LENGTH);
        String secret = key.substring(KEY_PREFIX.length() + ID_LENGTH + 1);
        return Secrets.isBase62(id) && Secrets.isBase62(secret) ? Optional.of(id) : Optional.empty();
    }

    /** User and team names: letters, digits and {@code . _ @ -}, 1–64 characters, not starting with a sign. */
    public static String checkName(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new KeelException(
                    ErrorCode.INVALID_PARAMETER_VALUE,
                    "'" + name + "' is not a valid " + what
                            + " name: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        return name;
    }
}
