package dev.keel.internal.console;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link FdTee} on a real pipe standing in for the console: the test writes to the pipe's write
 * end (as a program writes to fd 1) and reads what the "terminal" got from its read end.
 */
@DisabledOnOs(OS.WINDOWS)
class FdTeeTest {
    private LibC libc;
    private int terminalRead;
    private int console;
    private final ConcurrentLinkedQueue<ConsoleLine> lines = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void openATerminalPipe() {
        libc = LibC.load();
        int[] p = new int[2];
        assertEquals(0, libc.pipe(p));
        terminalRead = p[0];
        console = p[1];
    }

    private void print(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(b.length, libc.write(console, b, b.length));
    }

    /** Closes the console's write end and reads everything the terminal got. */
    private String terminal() {
        libc.close(console);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (long n; (n = libc.read(terminalRead, b, b.length)) > 0; ) {
            all.write(b, 0, (int) n);
        }
        libc.close(terminalRead);
        return all.toString(StandardCharsets.UTF_8);
    }

    private List<String> texts() {
        List<String> t = new ArrayList<>();
        lines.forEach(l -> t.add(l.text()));
        return t;
    }

    @Test
    void everythingReachesTheTerminalAndTheSinkAndClosingHandsOnTheLastPartialLine() {
        FdTee tee = FdTee.start(libc, console, "out", StandardCharsets.UTF_8, 1024, lines::add);
        print("epoch 1\nepoch 2\r\nlast without newline");
        tee.close();
        print("after close\n");
        assertEquals("epoch 1\nepoch 2\r\nlast without newline" + "after close\n", terminal());
        assertEquals(List.of("epoch 1", "epoch 2", "last without newline"), texts());
    }

    @Test
    void aSinkThatFailsNeverStopsTheOutputAndMoreThanAPipeFullPassesThrough() {
        StringBuilder expected = new StringBuilder();
        FdTee tee = FdTee.start(libc, console, "out", StandardCharsets.UTF_8, 1024, line -> {
            throw new IllegalStateException("the run's log is gone");
        });
        // 640 KiB, ten times what a pipe buffers: the writer would block for good if the reader stopped
        String row = "x".repeat(1023) + "\n";
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] b = new byte[8192];
            for (long n; (n = libc.read(terminalRead, b, b.length)) > 0; ) {
                terminal.write(b, 0, (int) n);
            }
        });
        reader.start();
        for (int i = 0; i < 640; i++) {
            print(row);
            expected.append(row);
        }
        tee.close();
        libc.close(console);
        try {
            reader.join(30_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        libc.close(terminalRead);
        assertEquals(expected.toString(), terminal.toString(StandardCharsets.UTF_8));
    }
}
