package dev.keel.internal.system;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("try") // handles exist only to be closed
class SystemMonitorTest {
    @TempDir
    Path tmp;

    @Test
    void samplesRealMetricsInRangeAndStopsCleanly() throws Exception {
        LinkedBlockingQueue<Map<String, Double>> samples = new LinkedBlockingQueue<>();
        SystemMonitor monitor = SystemMonitor.start(tmp.resolve(".keel"), Duration.ofMillis(200), samples::add, "");
        Map<String, Double> first = samples.poll(30, TimeUnit.SECONDS);
        Map<String, Double> second = samples.poll(30, TimeUnit.SECONDS);
        monitor.close();

        assertNotNull(first, "a first sample within 30 s");
        assertNotNull(second, "a second sample within 30 s");
        for (String key : List.of(Keys.CPU, Keys.PROCESS_CPU, Keys.MEMORY, Keys.HEAP, Keys.DISK)) {
            assertTrue(second.containsKey(key), key + " in " + second.keySet());
            double v = second.get(key);
            assertTrue(v >= 0 && v <= 100.0001, key + "=" + v + " is a percentage");
        }
        for (String key : List.of(
                Keys.PROCESS_RSS, Keys.HEAP_USED, Keys.DISK_READ, Keys.DISK_WRITE, Keys.NET_SENT, Keys.NET_RECEIVED)) {
            assertTrue(second.containsKey(key), key + " in " + second.keySet());
            assertTrue(second.get(key) >= 0, key + "=" + second.get(key));
        }
        assertTrue(second.get(Keys.PROCESS_RSS) > 1, "a JVM uses more than 1 MB");
        assertTrue(second.get(Keys.HEAP_USED) > 0);
        assertTrue(second.keySet().stream().allMatch(k -> k.startsWith("system/")));
        assertTrue(second.keySet().stream().noneMatch(k -> k.contains("gpu")), "no nvidia-smi on an empty PATH");
        assertThrows(UnsupportedOperationException.class, () -> second.put("x", 1.0));

        assertFalse(monitor.isRunning(), "close() stops the thread");
        samples.clear();
        Thread.sleep(500);
        assertTrue(samples.isEmpty(), "no samples after close()");
    }

    @Test
    void startReturnsBeforeTheFirstIntervalAndCloseIsPrompt() {
        LinkedBlockingQueue<Map<String, Double>> samples = new LinkedBlockingQueue<>();
        SystemMonitor monitor = SystemMonitor.start(tmp, Duration.ofHours(1), samples::add, "");
        monitor.close();
        assertFalse(monitor.isRunning());
        assertTrue(samples.isEmpty(), "the first sample comes one interval after the start");
    }

    @Test
    void aNonPositiveIntervalIsRefusedWithTheFix() {
        KeelException e = assertThrows(KeelException.class, () -> SystemMonitor.start(tmp, Duration.ZERO, s -> {}));
        assertEquals(
                "the system metrics interval must be positive, got PT0S: give a positive duration,"
                        + " or turn system metrics off instead",
                e.getMessage());
    }

    @Test
    void aThrowingSinkDoesNotStopTheMonitor() throws Exception {
        LinkedBlockingQueue<Map<String, Double>> samples = new LinkedBlockingQueue<>();
        int[] calls = {0};
        try (SystemMonitor monitor = SystemMonitor.start(
                tmp,
                Duration.ofMillis(100),
                s -> {
                    if (calls[0]++ == 0) {
                        throw new IllegalStateException("sink broke once");
                    }
                    samples.add(s);
                },
                "")) {
            assertNotNull(samples.poll(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void gpuMetricsComeFromNvidiaSmiOnThePath() throws Exception {
        Path bin = fakeNvidiaSmi("""
                case "$*" in
                  *--query-gpu*) printf '0, 45, 1024, 81920, 40\\n1, [N/A], 40960, 81920, [Not Supported]\\n' ;;
                  *) exit 2 ;;
                esac
                """);
        LinkedBlockingQueue<Map<String, Double>> samples = new LinkedBlockingQueue<>();
        try (SystemMonitor monitor = SystemMonitor.start(tmp, Duration.ofMillis(100), samples::add, bin.toString())) {
            Map<String, Double> s = samples.poll(30, TimeUnit.SECONDS);
            assertNotNull(s);
            assertEquals(45.0, s.get("system/gpu.0.utilization_percent"));
            assertEquals(1.25, s.get("system/gpu.0.memory_percent"), 1e-9);
            assertEquals(1024.0, s.get("system/gpu.0.memory_used_mb"));
            assertEquals(40.0, s.get("system/gpu.0.temperature_c"));
            assertEquals(50.0, s.get("system/gpu.1.memory_percent"), 1e-9);
            assertFalse(s.containsKey("system/gpu.1.utilization_percent"), "[N/A] is left out");
            assertFalse(s.containsKey("system/gpu.1.temperature_c"));
            assertTrue(s.containsKey(Keys.HEAP), "other probes still run");
        }
    }

    @Test
    void parsingSkipsMalformedLines() {
        Map<String, Double> out = new HashMap<>();
        GpuProbe.parse(List.of("garbage", "x, 1, 2, 3, 4", "2, 99, 10, 0, 70", "3,7,8,16,55"), out);
        assertEquals(
                Map.of(
                        "system/gpu.2.utilization_percent",
                        99.0,
                        "system/gpu.2.memory_used_mb",
                        10.0,
                        "system/gpu.2.temperature_c",
                        70.0,
                        "system/gpu.3.utilization_percent",
                        7.0,
                        "system/gpu.3.memory_used_mb",
                        8.0,
                        "system/gpu.3.memory_percent",
                        50.0,
                        "system/gpu.3.temperature_c",
                        55.0),
                out);
    }

    @Test
    void aHangingNvidiaSmiIsKilledAndTheProbeSkipped() throws Exception {
        Path bin = fakeNvidiaSmi("exec sleep 60\n");
        Path exe = NvidiaSmi.find(bin.toString()).orElseThrow();
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> NvidiaSmi.run(exe, Duration.ofMillis(300), "-L"));
        assertTrue(e.getMessage().contains("did not answer within 300 ms"), e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "bounded, not hung");
    }

    @Test
    void nvidiaSmiIsFoundOnlyWhenExecutableOnThePath() throws IOException {
        assertTrue(NvidiaSmi.find("").isEmpty());
        assertTrue(NvidiaSmi.find(null).isEmpty());
        Path dir = Files.createDirectories(tmp.resolve("notexec"));
        Files.writeString(dir.resolve("nvidia-smi"), "#!/bin/sh\n");
        assertTrue(NvidiaSmi.find(dir.toString()).isEmpty());
        Path bin = fakeNvidiaSmi("echo hi\n");
        assertEquals(
                bin.resolve("nvidia-smi"),
                NvidiaSmi.find(dir + File.pathSeparator + bin).orElseThrow());
    }

    /** A stand-in for the driver's tool; no test machine has a GPU, so this is the one mock allowed. */
    private Path fakeNvidiaSmi(String body) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path script = bin.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
