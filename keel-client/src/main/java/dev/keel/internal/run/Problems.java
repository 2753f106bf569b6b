package dev.keel.internal.run;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What went wrong while recording a run. Each kind of problem is printed to stderr once (a
 * disk that stays full must not flood the training output) and kept for {@code problems()}.
 */
final class Problems {
    private final String runId;
    private final List<String> messages = new ArrayList<>();
    private final Set<String> kinds = new HashSet<>();
    private final AtomicLong droppedPoints = new AtomicLong();
    private String dropReason;

    Problems(String runId) {
        this.runId = runId;
    }

    /** Records a problem of {@code kind}; only the first of each kind is printed and kept. */
    void report(String kind, String message) {
        synchronized (this) {
            if (!kinds.add(kind)) {
                return;
            }
            messages.add(message);
        }
        System.err.println("keel: run " + runId + ": " + message);
    }

    /** Records a problem of {@code kind} without printing it: for what only the run's readers need to know. */
    void keep(String kind, String message) {
        synchronized (this) {
            if (kinds.add(kind)) {
                messages.add(message);
            }
        }
    }

    /** Prints a warning once per kind without recording it as a problem. */
    void warnOnce(String kind, String message) {
        synchronized (this) {
            if (!kinds.add(kind)) {
                return;
            }
        }
        System.err.println("keel: run " + runId + ": warning: " + message);
    }

    void dropped(long points) {
        droppedPoints.addAndGet(points);
    }

    /** Counts points that could not be stored; the first reason given is the one reported. */
    void dropped(long points, String why) {
        if (points <= 0) {
            return;
        }
        synchronized (this) {
            if (dropReason == null) {
                dropReason = why;
            }
        }
        droppedPoints.addAndGet(points);
    }

    long droppedPoints() {
        return droppedPoints.get();
    }

    synchronized List<String> snapshot() {
        List<String> out = new ArrayList<>(messages);
        long dropped = droppedPoints.get();
        if (dropped > 0) {
            out.add(dropped + " metric points not stored: "
                    + (dropReason != null ? dropReason : "see the problems above"));
        }
        return out;
    }
}
