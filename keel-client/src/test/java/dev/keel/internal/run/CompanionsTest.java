package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.ConsoleLine;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Console lines, system metrics and provenance reach the store with the run. */
class CompanionsTest {
    @TempDir
    Path home;

    @Test
    void consoleLinesSystemMetricsAndProvenanceAreKept() throws Exception {
        String id;
        try (Run run = Keel.init(TestRuns.options(home)
                .captureConsole(true)
                .systemMetrics(true)
                .systemMetricsInterval(Duration.ofMillis(100))
                .build())) {
            id = run.id();
            System.out.println("epoch 1 of " + id);
            System.err.println("careful " + id);
            run.log(Map.of("loss", 0.5));
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                run.flush();
                try (Store store = TestRuns.reader(home)) {
                    if (store.metricKeys(id).stream().anyMatch(k -> k.startsWith("system/"))) {
                        break;
                    }
                }
            }
        }
        try (Store store = TestRuns.reader(home)) {
            List<ConsoleLine> lines = store.console(id, 0, 0);
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.stream().equals("out") && l.text().equals("epoch 1 of " + id)),
                    lines.toString());
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.stream().equals("err") && l.text().equals("careful " + id)),
                    lines.toString());
            List<String> keys = store.metricKeys(id);
            assertTrue(keys.contains("system/jvm_heap_used_mb"), keys.toString());
            assertFalse(
                    store.run(id).orElseThrow().summary().containsKey("system/jvm_heap_used_mb"),
                    "system metrics stay out of the summary");
            Map<String, Object> provenance = store.provenance(id);
            assertTrue(
                    provenance.containsKey("jvm") && provenance.containsKey("dependencies"),
                    provenance.keySet().toString());
            assertEquals(0.5, store.run(id).orElseThrow().summary().get("loss"));
        }
    }
}
