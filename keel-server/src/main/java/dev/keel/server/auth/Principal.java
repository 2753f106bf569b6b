package dev.keel.server.auth;

import java.util.Set;

/**
 * Who is asking. Anonymous callers have no user; the embedded {@code keel ui} treats its one
 * local user as an admin.
 *
 * @param user  the user name, null for anonymous
 * @param teams the teams the user belongs to
 * @param admin admins may read and write everything
 */
public record Principal(String user, Set<String> teams, boolean admin) {

    public static final Principal ANONYMOUS = new Principal(null, Set.of(), false);

    public Principal {
        teams = teams == null ? Set.of() : Set.copyOf(teams);
    }

    public boolean anonymous() {
        return user == null;
    }

    /** The local single user of {@code keel ui}: sees and changes everything in its own store. */
    public static Principal localAdmin(String user) {
        return new Principal(user, Set.of(), true);
    }
}
