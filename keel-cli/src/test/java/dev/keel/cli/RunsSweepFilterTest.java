package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.Json;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A sweep's trials are ordinary runs carrying its id: {@code keel runs --filter 'sweep = ID'} lists them. */
class RunsSweepFilterTest {
    @TempDir
    Path home;

    @Test
    void theSweepFilterListsTheSweepsTrialsOnly() throws Exception {
        try (Store store = Stores.open(new KeelHome(home).storeLocation())) {
            run(store, "t1aaaaaa", "6v8m5w0s", 64);
            run(store, "t2aaaaaa", "6v8m5w0s", 128);
            run(store, "t3aaaaaa", "zq0a9b7c", 64);
            run(store, "plain000", "", 64);
        }
        Cli cli = new Cli(home);
        assertEquals(
                List.of("t1aaaaaa", "t2aaaaaa"),
                ids(cli.run("runs", "--format", "json", "--filter", "sweep = 6v8m5w0s")));
        assertEquals(
                List.of("t2aaaaaa"),
                ids(cli.run("runs", "--format", "json", "--filter", "sweep = 6v8m5w0s and config.width > 64")));
        assertEquals(List.of("plain000"), ids(cli.run("runs", "--format", "json", "--filter", "sweep = ''")));
    }

    private static void run(Store store, String id, String sweep, long width) {
        store.createRun(
                new RunInfo(
                        id,
                        "p",
                        "name-" + id,
                        "",
                        "ada",
                        List.of(),
                        "",
                        RunState.FINISHED,
                        1000,
                        1000,
                        2000,
                        1000,
                        sweep,
                        "host",
                        1,
                        Map.of("width", width),
                        Map.of()),
                Map.of());
    }

    /** The ids of a {@code --format json} listing (JSON only on stdout), sorted. */
    private static List<String> ids(Cli.Result r) throws Exception {
        assertEquals(0, r.code(), r.err());
        List<String> out = new ArrayList<>();
        for (JsonNode run : Json.MAPPER.readTree(r.out())) {
            out.add(run.path("id").asText());
        }
        out.sort(null);
        return out;
    }
}
