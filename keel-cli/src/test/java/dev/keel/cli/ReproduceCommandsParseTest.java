package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;
import dev.keel.core.KeelHome;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's Reproduce box (served by keel-server, which cannot see the CLI) offers only
 * commands this command line has: every {@code keel …} line it shows parses against the real
 * picocli tree and lands on the command it names.
 */
class ReproduceCommandsParseTest {
    @TempDir
    Path dir;

    @Test
    void everyKeelCommandInTheReproduceBoxParses() throws Exception {
        KeelHome home = new KeelHome(dir.resolve("home"));
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        try (Datasets data = Datasets.open(home)) {
            data.add("fashion-mnist", src, AddOptions.defaults());
        }
        List<String> ids = new ArrayList<>();
        RunOptions options = RunOptions.builder()
                .project("p")
                .home(home.root())
                .systemMetrics(false)
                .captureConsole(false)
                .build();
        try (Run run = Keel.init(options)) {
            run.useDataset("fashion-mnist:v1");
            ids.add(run.id());
        }
        try (Run run = Keel.init(options)) {
            run.fail(new IllegalStateException("diverged"));
            ids.add(run.id());
        }

        List<String> seen = new ArrayList<>();
        try (ServerFixture server = new ServerFixture(home.root())) {
            for (String id : ids) {
                ServerFixture.Reply r = server.get("/api/v1/runs/" + id + "/reproduce");
                assertEquals(200, r.status(), r.body());
                for (JsonNode c : new ObjectMapper().readTree(r.body()).get("commands")) {
                    String line = c.get("command").asText();
                    if (!line.startsWith("keel ")) {
                        continue;
                    }
                    List<String> words =
                            List.of(line.substring("keel ".length()).split(" "));
                    ParseResult parsed = tree().parseArgs(words.toArray(String[]::new));
                    List<String> path = new ArrayList<>();
                    for (ParseResult p = parsed.subcommand(); p != null; p = p.subcommand()) {
                        path.add(p.commandSpec().name());
                    }
                    assertEquals(words.subList(0, path.size()), path, line);
                    seen.add(String.join(" ", path));
                }
            }
        }
        assertTrue(seen.containsAll(List.of("run show", "run resume", "data checkout")), seen.toString());
    }

    private static CommandLine tree() {
        return Cli.tree();
    }
}
