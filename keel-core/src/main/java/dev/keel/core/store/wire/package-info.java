/**
 * The JSON wire forms of a run ({@link dev.keel.core.store.wire.RunJson}) and of a
 * {@link dev.keel.core.store.WriteBatch} ({@link dev.keel.core.store.wire.BatchJson}), shared by the
 * server's write API and the SDK's remote store so that both sides read what the other writes.
 * Decoders validate everything and name the offending field in their errors.
 */
package dev.keel.core.store.wire;
