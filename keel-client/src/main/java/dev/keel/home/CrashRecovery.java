package dev.keel.home;

import dev.keel.core.KeelHome;
import dev.keel.core.store.Store;
import dev.keel.internal.run.Recovery;

import java.util.List;

/**
 * Records the runs of a local Keel folder whose process vanished, so that the store shows how
 * they ended. Readers that only show runs need {@code Liveness} (keel-core); this writes.
 *
 * <pre>{@code
 * CrashRecovery.recoverCrashed(home, store); // before listing runs
 * }</pre>
 */
public final class CrashRecovery {
    private CrashRecovery() {}

    /**
     * Finishes recording every run of this machine whose process vanished (the rest of its event
     * log, then {@code crashed} or the end it recorded beside the log), and indexes runs that died
     * before the store saw them. Safe to repeat and to run from several processes at once.
     * Returns the ids it recorded.
     */
    public static List<String> recoverCrashed(KeelHome home, Store store) {
        return Recovery.recoverCrashed(home, store);
    }
}
