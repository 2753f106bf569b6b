/**
 * Keel's model registry as the run store keeps it ({@link dev.keel.core.store.Store#models()}):
 * registered models, their immutable numbered versions and the aliases that point at them.
 * A version's files are a manifest of content hashes in the blob store that run files and
 * checkpoints already use, so registering a run's file stores no second copy of its bytes.
 * {@link dev.keel.core.model.ModelRegistry} turns a run into a version and a version back into
 * files.
 */
package dev.keel.core.model;
