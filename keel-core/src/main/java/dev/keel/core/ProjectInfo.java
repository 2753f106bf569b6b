package dev.keel.core;

/** A project as listed by {@code keel projects}: its runs' count and when it last changed. */
public record ProjectInfo(String name, long runCount, long createdAt, long lastActivityAt) {}
