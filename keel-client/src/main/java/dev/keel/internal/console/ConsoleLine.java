package dev.keel.internal.console;

/**
 * One line printed to the console: {@code stream} is {@code "out"} or {@code "err"},
 * {@code epochMillis} when its end was printed, {@code text} without the line terminator.
 */
public record ConsoleLine(String stream, long epochMillis, String text) {}
