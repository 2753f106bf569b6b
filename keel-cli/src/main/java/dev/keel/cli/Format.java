package dev.keel.cli;

/** Output formats of listing commands. */
enum Format {
    table,
    json,
    csv
}
