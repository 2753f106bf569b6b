package dev.keel.examples.apparel.training;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A {@code PrintStream} that writes through whatever {@code System.out} is at each write. A
 * stream kept from before {@code Keel.init} still reaches the run's console log where Keel
 * captures file descriptors, but not where it can only wrap {@code System.out} (a test runner,
 * Windows); this one reaches it everywhere.
 */
final class CurrentStdout {
    private CurrentStdout() {}

    static PrintStream stream() {
        return new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        System.out.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        System.out.write(b, off, len);
                    }

                    @Override
                    public void flush() {
                        System.out.flush();
                    }
                },
                true);
    }
}
