package dev.keel.core.access;

import java.util.Objects;

/**
 * A user of a team server.
 *
 * @param admin     admins read and write everything and manage users and teams
 * @param createdAt epoch milliseconds
 */
public record User(String name, boolean admin, long createdAt) {
    public User {
        Objects.requireNonNull(name, "name");
    }
}
