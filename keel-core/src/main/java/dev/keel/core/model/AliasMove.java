package dev.keel.core.model;

/**
 * One move of an alias: {@code model@alias} pointed at {@code version} from {@code movedAt}
 * (epoch milliseconds) on; {@code version} 0 when the alias was removed.
 *
 * @param from the version it pointed at before; 0 when it was new
 */
public record AliasMove(String model, String alias, int version, int from, String movedBy, long movedAt) {}
