package dev.keel.store.sql;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.ProjectAccess;
import dev.keel.core.access.StoredKey;
import dev.keel.core.access.StoredSession;
import dev.keel.core.access.User;
import dev.keel.core.data.Visibility;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.keel.store.sql.Jdbc.first;
import static dev.keel.store.sql.Jdbc.query;
import static dev.keel.store.sql.Jdbc.update;

/**
 * The {@link AccessStore} over the run store's database (schema 3), the same SQL for SQLite and
 * PostgreSQL. Opened with {@link #open}; it holds connections of its own beside the run store's.
 */
public final class SqlAccessStore implements AccessStore {
    private final Database db;

    /** Over a database {@link SqlLocations#open} opened and brought up to date. */
    private SqlAccessStore(Database db) {
        this.db = db;
    }

    /** Opens the access tables at a store location: {@code sqlite:PATH} or {@code jdbc:postgresql:…}. */
    public static Optional<AccessStore> open(String location) {
        return SqlLocations.open(location, false).map(SqlAccessStore::new);
    }

    @Override
    public void createUser(User user, String passwordHash) {
        int n = db.write(
                "create user " + user.name(),
                c -> update(
                        c,
                        "INSERT INTO access_users (name, admin, password, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                        user.name(),
                        user.admin() ? 1 : 0,
                        passwordHash,
                        user.createdAt()));
        if (n == 0) {
            throw new KeelException(ErrorCode.RESOURCE_ALREADY_EXISTS, "user '" + user.name() + "' already exists");
        }
    }

    @Override
    public Optional<User> user(String name) {
        return db.read(
                "read user " + name,
                c -> first(query(
                        c,
                        "SELECT name, admin, created_at FROM access_users WHERE name = ?",
                        SqlAccessStore::userRow,
                        name)));
    }

    @Override
    public List<User> users() {
        return db.read(
                "list users",
                c -> query(
                        c, "SELECT name, admin, created_at FROM access_users ORDER BY name", SqlAccessStore::userRow));
    }

    @Override
    public void setPassword(String user, String passwordHash) {
        db.write(
                "set the password of " + user,
                c -> update(c, "UPDATE access_users SET password = ? WHERE name = ?", passwordHash, user));
    }

    @Override
    public Optional<String> passwordHash(String user) {
        return db.read(
                        "read a password hash",
                        c -> first(query(
                                c, "SELECT password FROM access_users WHERE name = ?", rs -> rs.getString(1), user)))
                .filter(h -> h != null && !h.isEmpty());
    }

    @Override
    public void addKey(StoredKey key) {
        db.write(
                "add a key for " + key.user(),
                c -> update(
                        c,
                        "INSERT INTO access_keys (id, user_name, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?)",
                        key.id(),
                        key.user(),
                        key.hash(),
                        key.createdAt(),
                        key.revokedAt()));
    }

    @Override
    public Optional<StoredKey> key(String id) {
        return db.read(
                "read a key",
                c -> first(query(
                        c,
                        "SELECT id, user_name, hash, created_at, revoked_at FROM access_keys WHERE id = ?",
                        SqlAccessStore::keyRow,
                        id)));
    }

    @Override
    public List<StoredKey> keys(String user) {
        return db.read(
                "list the keys of " + user,
                c -> query(
                        c,
                        "SELECT id, user_name, hash, created_at, revoked_at FROM access_keys WHERE user_name = ? ORDER BY created_at, id",
                        SqlAccessStore::keyRow,
                        user));
    }

    @Override
    public boolean revokeKey(String id, long now) {
        return db.write(
                        "revoke key " + id,
                        c -> update(
                                c, "UPDATE access_keys SET revoked_at = ? WHERE id = ? AND revoked_at = 0", now, id))
                > 0;
    }

    @Override
    public void createTeam(String name, long now) {
        int n = db.write(
                "create team " + name,
                c -> update(
                        c,
                        "INSERT INTO access_teams (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                        name,
                        now));
        if (n == 0) {
            throw new KeelException(ErrorCode.RESOURCE_ALREADY_EXISTS, "team '" + name + "' already exists");
        }
    }

    @Override
    public List<String> teams() {
        return db.read(
                "list teams", c -> query(c, "SELECT name FROM access_teams ORDER BY name", rs -> rs.getString(1)));
    }

    @Override
    public boolean addMember(String team, String user) {
        return db.write(
                        "add " + user + " to team " + team,
                        c -> update(
                                c,
                                "INSERT INTO access_members (team, user_name) VALUES (?, ?) ON CONFLICT (team, user_name) DO NOTHING",
                                team,
                                user))
                > 0;
    }

    @Override
    public boolean removeMember(String team, String user) {
        return db.write(
                        "remove " + user + " from team " + team,
                        c -> update(c, "DELETE FROM access_members WHERE team = ? AND user_name = ?", team, user))
                > 0;
    }

    @Override
    public Set<String> teamsOf(String user) {
        return db.read(
                "read the teams of " + user,
                c -> new LinkedHashSet<>(query(
                        c,
                        "SELECT team FROM access_members WHERE user_name = ? ORDER BY team",
                        rs -> rs.getString(1),
                        user)));
    }

    @Override
    public List<String> members(String team) {
        return db.read(
                "read the members of " + team,
                c -> query(
                        c,
                        "SELECT user_name FROM access_members WHERE team = ? ORDER BY user_name",
                        rs -> rs.getString(1),
                        team));
    }

    @Override
    public Optional<ProjectAccess> project(String name) {
        return db.read("read the owner of project " + name, c -> projectRow(c, name));
    }

    @Override
    public ProjectAccess claimProject(String name, String owner, Visibility visibility, long now) {
        return db.write("claim project " + name, c -> {
            update(
                    c,
                    "INSERT INTO access_projects (name, owner, visibility, created_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (name) DO NOTHING",
                    name,
                    owner,
                    visibility.id(),
                    now);
            return projectRow(c, name).orElseThrow();
        });
    }

    @Override
    public ProjectAccess updateProject(String name, String owner, Visibility visibility, long now) {
        return db.write("change the access of project " + name, c -> {
            update(
                    c,
                    "INSERT INTO access_projects (name, owner, visibility, created_at) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (name) DO NOTHING",
                    name,
                    owner == null ? "" : owner,
                    (visibility == null ? Visibility.PRIVATE : visibility).id(),
                    now);
            if (owner != null) {
                update(c, "UPDATE access_projects SET owner = ? WHERE name = ?", owner, name);
            }
            if (visibility != null) {
                update(c, "UPDATE access_projects SET visibility = ? WHERE name = ?", visibility.id(), name);
            }
            return projectRow(c, name).orElseThrow();
        });
    }

    @Override
    public void createSession(StoredSession s) {
        db.write("start a session for " + s.user(), c -> {
            // sign-ins are rare: a good moment to forget sessions that have ended
            update(c, "DELETE FROM access_sessions WHERE expires_at < ?", s.createdAt());
            return update(
                    c,
                    "INSERT INTO access_sessions (id, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    s.idHash(),
                    s.user(),
                    s.csrfToken(),
                    s.createdAt(),
                    s.expiresAt());
        });
    }

    @Override
    public Optional<StoredSession> session(String idHash) {
        return db.read(
                "read a session",
                c -> first(query(
                        c,
                        "SELECT id, user_name, csrf, created_at, expires_at FROM access_sessions WHERE id = ?",
                        rs -> new StoredSession(
                                rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)),
                        idHash)));
    }

    @Override
    public void deleteSession(String idHash) {
        db.write("end a session", c -> update(c, "DELETE FROM access_sessions WHERE id = ?", idHash));
    }

    @Override
    public void close() {
        db.close();
    }

    private static Optional<ProjectAccess> projectRow(Connection c, String name) throws SQLException {
        return first(query(
                c,
                "SELECT name, owner, visibility, created_at FROM access_projects WHERE name = ?",
                rs -> new ProjectAccess(
                        rs.getString(1), rs.getString(2), Visibility.parse(rs.getString(3)), rs.getLong(4)),
                name));
    }

    private static User userRow(ResultSet rs) throws SQLException {
        return new User(rs.getString(1), rs.getInt(2) != 0, rs.getLong(3));
    }

    private static StoredKey keyRow(ResultSet rs) throws SQLException {
        return new StoredKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
    }
}
