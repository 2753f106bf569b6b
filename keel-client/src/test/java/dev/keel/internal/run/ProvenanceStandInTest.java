package dev.keel.internal.run;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvenanceStandInTest {
    @Test
    void aCaptureStillRunningLeavesTheCommandLineSoTheRunCanBeResumed() {
        // a capture that never finishes: what a slow git status on a loaded machine looks like
        Map<String, Object> p = RunWriter.provenanceNow(new CompletableFuture<>(), List.of(7L));

        assertTrue(p.containsKey("error"), "the stand-in says the capture is unfinished: " + p);
        Map<?, ?> command = assertInstanceOf(Map.class, p.get("command"), "stand-in: " + p);
        List<?> argv = assertInstanceOf(List.class, command.get("argv"), "command: " + command);
        assertFalse(argv.isEmpty(), "the exact words to start the process again");
        assertTrue(String.valueOf(argv.get(0)).contains("java"), "argv starts with the java launcher: " + argv);
        assertTrue(p.get("seeds").equals(List.of(7L)), "seeds kept: " + p);
    }
}
