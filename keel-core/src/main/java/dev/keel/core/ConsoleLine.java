package dev.keel.core;

/**
 * One line a run printed. {@code seq} numbers the run's lines from 0 in the order they were
 * captured; {@code stream} is {@code "out"} or {@code "err"}.
 */
public record ConsoleLine(long seq, long timestamp, String stream, String text) {}
