package dev.keel.server.liveness;

import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Liveness;

import java.nio.file.Files;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * What a server shows for a run stored as running, judged by its heartbeats (a remote run's
 * process cannot be seen from here): silent for longer than {@code unreachableAfterMs} reads
 * {@code unreachable} (a network outage is not a crash; it heals when the backlog arrives),
 * silent for longer than {@code crashedAfterMs} reads {@code crashed}. A run is recorded as
 * crashed sooner when its own machine reports the process gone (the SDK's recovery applies a
 * batch with state crashed through the API).
 *
 * <p>Settings: {@code KEEL_UNREACHABLE_AFTER_S} (default 60) and {@code KEEL_CRASHED_AFTER_S}
 * (default 3600), as environment variables or system properties
 * ({@code keel.unreachable-after-s}, {@code keel.crashed-after-s}).
 */
public final class HeartbeatLiveness implements UnaryOperator<RunInfo> {
    public static final long DEFAULT_UNREACHABLE_AFTER_MS = 60_000;
    public static final long DEFAULT_CRASHED_AFTER_MS = 3_600_000;

    private final long unreachableAfterMs;
    private final long crashedAfterMs;
    private final LongSupplier clock;

    public HeartbeatLiveness(long unreachableAfterMs, long crashedAfterMs, LongSupplier clock) {
        if (unreachableAfterMs <= 0 || crashedAfterMs < unreachableAfterMs) {
            throw new IllegalArgumentException("liveness graces must satisfy 0 < unreachable (" + unreachableAfterMs
                    + " ms) <= crashed (" + crashedAfterMs + " ms)");
        }
        this.unreachableAfterMs = unreachableAfterMs;
        this.crashedAfterMs = crashedAfterMs;
        this.clock = clock;
    }

    /** Graces from the environment or system properties, else the defaults. */
    public static HeartbeatLiveness fromEnvironment() {
        return new HeartbeatLiveness(
                seconds("KEEL_UNREACHABLE_AFTER_S", "keel.unreachable-after-s", DEFAULT_UNREACHABLE_AFTER_MS),
                seconds("KEEL_CRASHED_AFTER_S", "keel.crashed-after-s", DEFAULT_CRASHED_AFTER_MS),
                System::currentTimeMillis);
    }

    /**
     * For a server over the embedded store of {@code home}: runs logged into that folder directly
     * (their run folder is there) are judged by their lock, as the CLI does; runs that came over
     * the API by their heartbeats.
     */
    public static UnaryOperator<RunInfo> forEmbedded(KeelHome home) {
        HeartbeatLiveness remote = fromEnvironment();
        return run -> Files.isDirectory(home.runDir(run.id())) ? Liveness.effective(home, run) : remote.apply(run);
    }

    @Override
    public RunInfo apply(RunInfo run) {
        if (run.state() != RunState.RUNNING) {
            return run;
        }
        long silent = clock.getAsLong() - Math.max(run.heartbeatAt(), run.createdAt());
        if (silent > crashedAfterMs) {
            return run.withState(RunState.CRASHED);
        }
        if (silent > unreachableAfterMs) {
            return run.withState(RunState.UNREACHABLE);
        }
        return run;
    }

    private static long seconds(String env, String property, long fallbackMs) {
        String v = System.getProperty(property, System.getenv(env));
        if (v == null || v.isBlank()) {
            return fallbackMs;
        }
        try {
            return Math.round(Double.parseDouble(v.trim()) * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(env + " must be a number of seconds, got '" + v + "'");
        }
    }
}
