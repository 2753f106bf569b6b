package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets SHA-256 compiled while an add scans. The JDK's SHA-256 runs at its intrinsic speed
 * (SHA-NI, AVX2) only once the optimising compiler has compiled its compression loop, which it
 * does after enough calls; until then each block is hashed on a path ten or more times slower.
 * An add's first hashing is often the scan digest of a large folder, right after the scan, so
 * without this its first megabytes take the slow path while the compilation waits in the queue.
 * Hashing a few blocks on a daemon thread as the add begins queues that compilation early.
 */
final class ShaWarmup {
    /** Enough blocks to pass the compile thresholds, few enough to cost about a millisecond. */
    private static final int BYTES = 256 << 10;

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ShaWarmup() {}

    /** Starts the warm-up once per JVM; returns at once. */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(ShaWarmup::run, "keel-sha-warmup");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void run() {
        MessageDigest md = Hashes.sha256();
        byte[] block = new byte[16 << 10];
        for (int done = 0; done < BYTES; done += block.length) {
            md.update(block);
        }
        md.digest();
    }
}
