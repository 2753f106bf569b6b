package dev.keel.data;

import dev.keel.core.data.Dataset;
import dev.keel.core.data.DatasetVersion;
import dev.keel.core.data.RunInput;

import java.util.List;

/** {@code keel data show}: a version, its tags, its files and the runs that used it. */
public record DatasetDetails(
        Dataset dataset, DatasetVersion version, List<String> tags, List<FileEntry> files, List<RunInput> runs) {}
