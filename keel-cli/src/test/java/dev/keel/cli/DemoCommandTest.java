package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @Test
    void demoRecordsThreeFinishedRunsThroughTheSdkWithFallingLoss() throws Exception {
        Cli cli = new Cli(home);
        Cli.Result demo = cli.run("demo", "--quick");
        assertEquals(0, demo.code(), demo.err());
        assertTrue(demo.out().contains("finished"), demo.out());
        assertTrue(demo.err().contains("3 runs recorded"), demo.err());

        JsonNode runs = JSON.readTree(
                cli.run("runs", "--project", "demo", "--format", "json").out());
        assertEquals(3, runs.size());
        Set<Double> lrs = new TreeSet<>();
        for (JsonNode run : runs) {
            assertEquals("finished", run.get("state").asText());
            lrs.add(run.get("config").get("lr").asDouble());
            assertTrue(run.get("summary").get("val_accuracy").asDouble() > 0.5, run.toString());
            assertTrue(run.get("summary").has("test_accuracy"), run.toString());

            JsonNode loss =
                    JSON.readTree(cli.run("run", "history", run.get("id").asText(), "loss", "--format", "json")
                            .out());
            assertEquals(200, loss.size());
            double first = loss.get(0).get("value").asDouble();
            double last = loss.get(loss.size() - 1).get("value").asDouble();
            assertTrue(last < first * 0.6, "loss should fall: " + first + " -> " + last);
        }
        assertEquals(Set.of(0.001, 0.01, 0.1), lrs);
    }
}
