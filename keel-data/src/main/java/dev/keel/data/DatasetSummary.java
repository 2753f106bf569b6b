package dev.keel.data;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetVersion;

/** A line of {@code keel data ls}: the dataset, how many versions it has, and its latest (null when none). */
public record DatasetSummary(Dataset dataset, int versions, DatasetVersion latest) {}
