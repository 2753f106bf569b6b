package dev.keel.server.auth;

/**
 * Decides what a principal may read and write. Projects and datasets each have an owner and a
 * visibility ({@code private}, {@code team}, {@code public}); implementations answer from those.
 * Unknown objects: reads answer as for a missing object (the handler then says 404), writes to a
 * project that does not exist yet are allowed to any signed-in user, who becomes its owner.
 */
public interface Authorizer {

    boolean canRead(Principal who, Resource resource);

    boolean canWrite(Principal who, Resource resource);

    /**
     * Whether callers without an API key may use anything beyond the routes open to anyone. When
     * not, every other route answers them 401 before its handler looks at the request, as the
     * OpenAPI document's security requirement says.
     */
    default boolean admitsAnonymous() {
        return true;
    }

    /** Records {@code who} as the owner of a project or dataset that was just created. */
    void created(Principal who, Resource resource);

    /** A project or a dataset, by name. */
    record Resource(Kind kind, String name) {
        public enum Kind {
            PROJECT,
            DATASET
        }

        public static Resource project(String name) {
            return new Resource(Kind.PROJECT, name);
        }

        public static Resource dataset(String name) {
            return new Resource(Kind.DATASET, name);
        }
    }
}
