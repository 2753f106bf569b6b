package dev.keel.data;

import dev.keel.core.data.DatasetVersion;

import java.nio.file.Path;

/** What {@link Datasets#use} gives a run: the exact version it recorded and a local, read-only copy of it. */
public record UsedDataset(DatasetVersion version, Path path) {}
