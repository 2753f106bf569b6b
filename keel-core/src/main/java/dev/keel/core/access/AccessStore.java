package dev.keel.core.access;

import dev.keel.core.data.Visibility;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who may use a team server: users, their API keys (hashes only), teams, web sessions, and the
 * owner and visibility of each project (datasets keep theirs in the dataset store). The server,
 * its CLI and its tests talk to this interface and never know which database is behind it.
 * Safe for many threads and, like the run store, for many processes on one database.
 *
 * <p>Usually used through {@link Accounts}, which makes and checks the secrets this stores.
 *
 * <pre>{@code
 * try (AccessStore access = AccessStores.open("jdbc:postgresql://db/keel")) {
 *     NewKey key = new Accounts(access).createUser("ada", false, List.of("vision"), null);
 * }
 * }</pre>
 */
public interface AccessStore extends AutoCloseable {

    /** @throws dev.keel.core.KeelException {@code RESOURCE_ALREADY_EXISTS} when the name is taken */
    void createUser(User user, String passwordHash);

    Optional<User> user(String name);

    /** Every user, by name. */
    List<User> users();

    /** Sets or (with null) removes a user's password hash. */
    void setPassword(String user, String passwordHash);

    Optional<String> passwordHash(String user);

    void addKey(StoredKey key);

    Optional<StoredKey> key(String id);

    /** A user's keys, revoked ones included, oldest first. */
    List<StoredKey> keys(String user);

    /** Marks a key revoked; false when there is no such key or it was already revoked. */
    boolean revokeKey(String id, long now);

    /** @throws dev.keel.core.KeelException {@code RESOURCE_ALREADY_EXISTS} when the name is taken */
    void createTeam(String name, long now);

    /** Every team, by name. */
    List<String> teams();

    /** Adds a member; false when already one. Both must exist. */
    boolean addMember(String team, String user);

    boolean removeMember(String team, String user);

    Set<String> teamsOf(String user);

    List<String> members(String team);

    /** The owner and visibility of a project, empty when none was recorded. */
    Optional<ProjectAccess> project(String name);

    /**
     * Records {@code owner} as the owner of a project that has no record yet and returns the
     * record as stored: the claim of whoever came first wins, so two users creating one project
     * at once cannot both own it.
     */
    ProjectAccess claimProject(String name, String owner, Visibility visibility, long now);

    /** Changes a project's owner and/or visibility (null keeps the old value); creates the record when absent. */
    ProjectAccess updateProject(String name, String owner, Visibility visibility, long now);

    void createSession(StoredSession session);

    Optional<StoredSession> session(String idHash);

    void deleteSession(String idHash);

    @Override
    void close();
}
