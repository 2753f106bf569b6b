package dev.keel.internal.remote;

import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.blob.BlobStore;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Uploads one live run's event log to a server in the background. The writer wakes it after
 * each cycle; it then sends whatever the server lacks ({@link LogUpload}). When the server is
 * down or failing it backs off exponentially (up to {@link #MAX_BACKOFF_MS}) and the local log
 * simply grows: the training thread never waits on the network. {@link #close()} (at the end of
 * the run) tries to catch up for a bounded time and leaves the rest to {@code keel sync}.
 */
public final class RunSender implements AutoCloseable {
    static final long FIRST_BACKOFF_MS = 250;
    static final long MAX_BACKOFF_MS = 30_000;
    /** While closing, retries come at least this often. */
    static final long CLOSING_RETRY_MS = 200;
    /** Longest sleep without a wake-up (the writer wakes it every cycle anyway). */
    static final long IDLE_MS = 1_000;

    private final KeelHome home;
    private final String runId;
    private final RemoteStore remote;
    private final BlobStore blobs;
    private final long finishTimeoutMs;
    private final Thread thread;
    private volatile boolean closing;
    /** An upload that began after close() left nothing to send. */
    private volatile boolean caughtUp;

    private volatile long acked = -1;
    /** Uploads that failed so far, and the last one's reason: what {@link #awaitUploaded} reports. */
    private volatile long failures;

    private volatile String lastFailure = "";
    /** Notified after every upload attempt. */
    private final Object attempted = new Object();

    private long backoffMs;
    private volatile long nextAttempt;
    private boolean outageReported;

    private RunSender(KeelHome home, String runId, RemoteStore remote, BlobStore blobs, long finishTimeoutMs) {
        this.home = home;
        this.runId = runId;
        this.remote = remote;
        this.blobs = blobs;
        this.finishTimeoutMs = finishTimeoutMs;
        this.thread = new Thread(this::loop, "keel-sender-" + runId);
        this.thread.setDaemon(true);
    }

    public static RunSender start(
            KeelHome home, String runId, RemoteStore remote, BlobStore blobs, long finishTimeoutMs) {
        RunSender s = new RunSender(home, runId, remote, blobs, finishTimeoutMs);
        s.thread.start();
        return s;
    }

    /** Asks for an upload soon (after a writer cycle); never blocks. */
    public void wake() {
        LockSupport.unpark(thread);
    }

    private void loop() {
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= nextAttempt && hasNews()) {
                attempt();
            }
            if (closing && caughtUp) {
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            // Sleep until woken by the writer, or until the back-off ends; at most IDLE_MS.
            long untilRetry = nextAttempt - System.currentTimeMillis();
            long wait = closing ? CLOSING_RETRY_MS : untilRetry > 0 ? Math.min(untilRetry, IDLE_MS) : IDLE_MS;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(wait));
        }
    }

    /** Whether the local log holds more than the server acknowledged (a size check: no I/O on the log). */
    private boolean hasNews() {
        try {
            return acked < 0 || Files.size(home.eventLog(runId)) > acked || closing && !caughtUp;
        } catch (IOException e) {
            return false;
        }
    }

    private void attempt() {
        // Only an upload that began after close() read the writer's last cycle.
        boolean afterEnd = closing;
        try {
            LogUpload.Result r = LogUpload.upload(home, runId, remote, blobs);
            acked = r.applied();
            caughtUp = afterEnd && r.caughtUp();
            backoffMs = 0;
            nextAttempt = 0;
            signalAttempt();
            if (outageReported) {
                System.err.println("keel: run " + runId + ": the server at " + remote.url() + " is back; uploading");
                outageReported = false;
            }
        } catch (IOException | RuntimeException e) {
            caughtUp = false;
            backoffMs = backoffMs == 0 ? FIRST_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            nextAttempt = System.currentTimeMillis() + (closing ? Math.min(backoffMs, CLOSING_RETRY_MS) : backoffMs);
            lastFailure = String.valueOf(e.getMessage());
            failures++;
            signalAttempt();
            if (!outageReported) {
                System.err.println("keel: run " + runId + ": cannot upload to " + remote.url() + " (" + e.getMessage()
                        + "); training goes on, the run is kept in " + home.eventLog(runId) + " and uploaded when"
                        + " the server answers");
                outageReported = true;
            }
        }
    }

    /** The server the run goes to. */
    public RemoteStore remote() {
        return remote;
    }

    /**
     * Uploads now and waits until the server holds the run's log up to byte {@code offset}, with
     * the bytes of the files it lists. Fails (KeelException, with the server's answer) when an
     * upload fails or {@code timeoutMs} passes, rather than waiting out the sender's back-off.
     */
    public void awaitUploaded(long offset, long timeoutMs) {
        long failed = failures;
        long deadline = System.currentTimeMillis() + timeoutMs;
        nextAttempt = 0;
        wake();
        synchronized (attempted) {
            while (acked < offset) {
                if (failures > failed) {
                    throw unavailable("run " + runId + " has not reached " + remote.url() + " (" + lastFailure + ")");
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !thread.isAlive()) {
                    throw unavailable(
                            "run " + runId + " has not reached " + remote.url() + " within " + timeoutMs / 1000 + " s");
                }
                try {
                    attempted.wait(Math.min(left, IDLE_MS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw unavailable("interrupted while run " + runId + " uploads to " + remote.url());
                }
            }
        }
    }

    private static KeelException unavailable(String message) {
        return new KeelException(KeelException.ErrorCode.TEMPORARILY_UNAVAILABLE, message);
    }

    private void signalAttempt() {
        synchronized (attempted) {
            attempted.notifyAll();
        }
    }

    /** Called once the writer has ended: uploads the rest for at most the finish timeout. */
    @Override
    public void close() {
        closing = true;
        nextAttempt = 0;
        wake();
        try {
            thread.join(finishTimeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
            wake();
            System.err.println("keel: run " + runId + ": not everything reached " + remote.url() + " within "
                    + finishTimeoutMs / 1000 + " s; the rest is kept locally: run 'keel sync " + runId
                    + "' (with KEEL_URL set) to upload it");
        }
    }
}
