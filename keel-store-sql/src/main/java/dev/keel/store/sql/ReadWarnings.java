package dev.keel.store.sql;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Says on stderr, once per run and part for the life of a store, that a stored part of a run
 * cannot be read and the run is shown without it; a server listing the same runs every few
 * seconds must not repeat it every time.
 */
final class ReadWarnings {
    private static final int REMEMBERED = 10_000;
    private final Set<String> said = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    });

    void unreadable(String runId, String part, RuntimeException why) {
        synchronized (said) {
            if (!said.add(runId + "\0" + part)) {
                return;
            }
        }
        String reason = why.getCause() instanceof JsonProcessingException j
                ? j.getOriginalMessage()
                : why.getMessage() == null ? why.toString() : why.getMessage();
        System.err.println("keel: warning: run " + runId + ": its stored " + part + " cannot be read (" + reason
                + "); the run is shown without it. `keel run rm " + runId + "` removes the run.");
    }
}
