package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.MetricSeries;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer naps between looks at the queue, longer the slower events arrive. */
class WriterNapTest {
    private static final long FLOOR = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long CEILING = TimeUnit.MILLISECONDS.toNanos(500);

    @TempDir
    Path home;

    @Test
    void anEmptyLookNapsUntilTheNextCycle() {
        assertEquals(CEILING, RunWriter.napAfter(FLOOR, 0, 65_536, FLOOR, CEILING));
    }

    @Test
    void aSlowLoopIsDrainedOncePerCycle() {
        // one log() per 3 ms: 1/32 of a 65,536-event queue would take 6 s to fill
        long since = TimeUnit.MILLISECONDS.toNanos(30);
        assertEquals(CEILING, RunWriter.napAfter(since, 10, 65_536, FLOOR, CEILING));
    }

    @Test
    void aFastLoggerIsLookedAtBeforeTheQueueIsMoreThan1In32Full() {
        // 1,000 events in 4 ms = 4 µs each: 2,048 events (1/32) arrive in ~8 ms
        long nap = RunWriter.napAfter(TimeUnit.MILLISECONDS.toNanos(4), 1_000, 65_536, FLOOR, CEILING);
        assertEquals(8_192_000, nap, 1_000);
        // faster still: never below the floor
        assertEquals(FLOOR, RunWriter.napAfter(1_000, 1_000, 65_536, FLOOR, CEILING));
    }

    @Test
    void aBurstIntoAFullQueueWakesANappingWriter() throws Exception {
        // A flush interval of 2 minutes lets the idle writer nap for a minute. Without the wake-up
        // on a full queue each 16 events would wait for the nap to end (> 60 minutes in all).
        String id;
        long elapsed;
        try (Run run = Keel.init(TestRuns.options(home)
                .queueCapacity(16)
                .flushInterval(Duration.ofMinutes(2))
                .build())) {
            id = run.id();
            run.log(Map.of("x", -1.0));
            run.flush();
            Thread.sleep(300); // the writer's look finds the queue empty and naps for the cycle
            long t0 = System.nanoTime();
            for (int i = 0; i < 1_000; i++) {
                run.log(Map.of("x", (double) i));
            }
            elapsed = System.nanoTime() - t0;
        }
        assertTrue(elapsed < TimeUnit.SECONDS.toNanos(30), "the burst waited for the nap: " + elapsed / 1e9 + " s");
        try (Store store = TestRuns.reader(home)) {
            MetricSeries s = store.history(id, "x");
            assertEquals(1_001, s.size());
            assertEquals(999.0, s.values()[1_000]);
        }
    }
}
