package dev.keel.flow;

/** {@code to} runs after {@code from}: it reads {@code via}, an output of {@code from} (or {@code after:}). */
public record Edge(String from, String to, String via) {}
