package dev.keel.internal.run;

import dev.keel.SummaryMode;
import dev.keel.core.RunFile;
import dev.keel.core.RunState;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** What the training side hands to the writer thread: every user call becomes one of these. */
sealed interface Event {

    /** {@code n} metric points at one step; arrays may be longer than {@code n}. */
    record Points(String[] keys, double[] values, int n, long step, long timestamp) implements Event {}

    record SummaryPut(String key, Object value) implements Event {}

    record Define(String metric, SummaryMode mode) implements Event {}

    /** Notes and/or tags (null leaves a field unchanged). */
    record Meta(String notes, List<String> addTags) implements Event {}

    record Console(long seq, long timestamp, String stream, String text) implements Event {}

    record File(RunFile file) implements Event {}

    /** A run file to forget, e.g. a pruned checkpoint. */
    record FileRemoved(String name) implements Event {}

    /** Drops metric points at steps after {@code step}, stored or pending (see Run#rewind). */
    record Rewind(long step) implements Event {}

    record Seed(long seed) implements Event {}

    /** Asks for a write cycle now; {@code done} counts down once it is durable (or failed). */
    record Flush(CountDownLatch done) implements Event {}

    /** The run's last event. */
    record End(RunState state, String error, long endedAt) implements Event {}
}
