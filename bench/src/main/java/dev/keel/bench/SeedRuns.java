package dev.keel.bench;

import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.util.List;
import java.util.Map;

/** The finished runs the table and search benchmarks fill a store with, one shape for all of them. */
final class SeedRuns {
    private SeedRuns() {}

    /** Run number {@code i} of {@code project}: created {@code i} seconds before {@code now}, ran a minute. */
    static RunInfo finished(String id, String project, int i, long now, Map<String, Object> config) {
        return new RunInfo(
                id,
                project,
                "run-" + i,
                "",
                "bench",
                List.of("t" + (i % 4)),
                "",
                RunState.FINISHED,
                now - i * 1000L,
                now,
                now,
                60_000,
                "",
                "host",
                1,
                config,
                Map.of());
    }
}
