package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.MetricSeries;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provenance (git, machine, dependencies) is captured beside the run, never before it. */
class UnfinishedProvenanceTest {
    @TempDir
    Path home;

    @AfterEach
    void restoreTheRealCapture() {
        RunFactory.provenanceCapture = RunFactory::captureProvenance;
    }

    @Test
    void aCaptureThatHasNotFinishedHoldsUpNeitherInitNorLogAndStillReachesTheStore() {
        // the capture finishes only when this test says so: a git status stuck on a slow disk
        CompletableFuture<CapturedProvenance> capture = new CompletableFuture<>();
        RunFactory.provenanceCapture = run -> capture;
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0));
            run.log(Map.of("loss", 0.5));
            run.flush();
            assertFalse(capture.isDone(), "init, log and flush returned before the capture ended");
            try (Store store = TestRuns.reader(home)) {
                MetricSeries loss = store.history(id, "loss");
                assertEquals(2, loss.size(), "the points are stored while the capture runs");
                Map<String, Object> standIn = store.provenance(id);
                assertTrue(String.valueOf(standIn.get("error")).contains("had not finished"), standIn.toString());
                assertTrue(standIn.containsKey("command"), "the stand-in keeps the command line: " + standIn);
            }
            capture.complete(new CapturedProvenance(Map.of("jvm", Map.of("version", "17-test")), List.of()));
        }
        try (Store store = TestRuns.reader(home)) {
            Map<String, Object> p = store.provenance(id);
            assertEquals(Map.of("version", "17-test"), p.get("jvm"), "the finished capture replaced the stand-in");
            assertNull(p.get("error"), p.toString());
        }
    }
}
