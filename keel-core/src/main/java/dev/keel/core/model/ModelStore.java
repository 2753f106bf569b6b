package dev.keel.core.model;

import dev.keel.core.KeelException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered models a run store keeps ({@link dev.keel.core.store.Store#models()}). Versions
 * are numbered by the store, one registration at a time per model, and never reused: removing
 * v3 leaves the next registration v4. Time is the store's clock (milliseconds).
 *
 * <p>Names are unique in the store (a name registered from one project is refused from
 * another). The files' bytes are not the store's business: it keeps their hashes, and
 * {@link #heldHashes} tells a blob clean-up which contents versions still need.
 */
public interface ModelStore {

    /**
     * Stores the next version of {@code name}, creating the model (in {@code project}, owned by
     * {@code owner}) when new. Refused (INVALID_PARAMETER_VALUE) when the model belongs to
     * another project or the draft has no files.
     */
    ModelVersion register(String name, String project, String owner, VersionDraft draft);

    Optional<RegisteredModel> model(String name);

    /** Every registered model, by name. */
    List<RegisteredModel> models();

    /** The model's versions, oldest first; empty when it has none or does not exist. */
    List<ModelVersion> versions(String name);

    Optional<ModelVersion> version(String name, int version);

    /** The versions registered from run {@code runId}, by model and number (a run page links them). */
    List<ModelVersion> versionsOfRun(String runId);

    /** Alias → version, sorted by alias. */
    Map<String, Integer> aliases(String name);

    /** Every move of the model's aliases, oldest first. */
    List<AliasMove> aliasMoves(String name);

    /**
     * Points {@code alias} at {@code version} and records who moved it. Fails with
     * RESOURCE_DOES_NOT_EXIST when the version does not exist.
     */
    AliasMove moveAlias(String name, String alias, int version, String by);

    /** Removes the alias (recorded as a move to version 0); false when it did not exist. */
    boolean removeAlias(String name, String alias, String by);

    /**
     * Sets tags (an empty value removes the tag) on version {@code version}, or on the model
     * itself when {@code version} is 0.
     */
    void tag(String name, int version, Map<String, String> tags);

    /**
     * Removes a version. Refused (INVALID_PARAMETER_VALUE, naming the aliases) while an alias
     * points at it; a model whose last version goes is removed too.
     */
    void deleteVersion(String name, int version);

    /**
     * Replaces the description of version {@code version}, or of the model itself when
     * {@code version} is 0. Stores that keep no descriptions refuse (UnsupportedOperationException).
     */
    default void describe(String name, int version, String description) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change descriptions");
    }

    /**
     * Renames a model with its versions, aliases and alias history; RESOURCE_ALREADY_EXISTS when
     * {@code newName} is taken. Stores that cannot rename refuse (UnsupportedOperationException).
     */
    default void rename(String name, String newName) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot rename models");
    }

    /** The contents any version lists: a blob clean-up keeps them. */
    List<String> heldHashes();

    /** The version {@code ref} names, or RESOURCE_DOES_NOT_EXIST saying what is missing. */
    default ModelVersion resolve(ModelRef ref) {
        if (model(ref.name()).isEmpty()) {
            throw KeelException.notFound("no model named '" + ref.name() + "': 'keel model ls' lists the registered"
                    + " models; 'keel model register " + ref.name() + " --run RUN' registers one");
        }
        if (ref.alias() != null) {
            Integer v = aliases(ref.name()).get(ref.alias());
            if (v == null) {
                throw KeelException.notFound("model " + ref.name() + " has no alias '" + ref.alias() + "' (aliases: "
                        + String.join(", ", aliases(ref.name()).keySet()) + "): set it with 'keel model alias "
                        + ref.name() + "@" + ref.alias() + " VERSION'");
            }
            return version(ref.name(), v).orElseThrow();
        }
        if (ref.version() > 0) {
            return version(ref.name(), ref.version())
                    .orElseThrow(() -> KeelException.notFound("model " + ref.name() + " has no version v"
                            + ref.version() + ": 'keel model versions " + ref.name() + "' lists them"));
        }
        return latest(ref.name())
                .orElseThrow(() -> KeelException.notFound("model " + ref.name() + " has no versions left"));
    }

    /** The newest version; stores override this to read one version, not all. */
    default Optional<ModelVersion> latest(String name) {
        List<ModelVersion> all = versions(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
