package dev.keel.core.access;

import dev.keel.core.data.Visibility;

/**
 * Who owns a project and who else may see it.
 *
 * @param owner the owning user; empty for a project no one has claimed (admins only)
 */
public record ProjectAccess(String name, String owner, Visibility visibility, long createdAt) {}
