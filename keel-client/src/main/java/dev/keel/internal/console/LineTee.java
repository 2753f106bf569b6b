package dev.keel.internal.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.function.Consumer;

/**
 * An output stream that passes every byte on to the original console stream at once and, on the
 * side, cuts the bytes into lines for the sinks.
 *
 * <p>Lines end at {@code \n}; a {@code \r} right before it is dropped. A line longer than
 * {@code maxLineBytes} keeps its first bytes and a marker saying how much was cut, so one runaway
 * print cannot fill the run's memory. An explicit flush hands on a pending partial line, so
 * prompts and progress output are not held back until the next newline.
 */
final class LineTee extends OutputStream {
    private final PrintStream original;
    private final String stream;
    private final Charset charset;
    private final int maxLineBytes;
    private final Consumer<ConsoleLine> sink;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private long cutBytes;

    LineTee(PrintStream original, String stream, Charset charset, int maxLineBytes, Consumer<ConsoleLine> sink) {
        this.original = original;
        this.stream = stream;
        this.charset = charset;
        this.maxLineBytes = maxLineBytes;
        this.sink = sink;
    }

    @Override
    public synchronized void write(int b) {
        original.write(b);
        take((byte) b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            take(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        original.flush();
        if (pending.size() > 0 || cutBytes > 0) {
            emit();
        }
    }

    @Override
    public void close() throws IOException {
        flush(); // never close the process's real stdout/stderr
    }

    private void take(byte b) {
        if (b == '\n') {
            emit();
        } else if (pending.size() < maxLineBytes) {
            pending.write(b);
        } else {
            cutBytes++;
        }
    }

    private void emit() {
        byte[] bytes = pending.toByteArray();
        int len = bytes.length;
        if (cutBytes > 0) {
            // do not end in the middle of a multi-byte character (UTF-8 continuation bytes)
            while (len > 0 && (bytes[len - 1] & 0xC0) == 0x80) {
                len--;
                cutBytes++;
            }
            if (len > 0 && (bytes[len - 1] & 0x80) != 0) {
                len--;
                cutBytes++;
            }
        } else if (len > 0 && bytes[len - 1] == '\r') {
            len--;
        }
        String text = new String(bytes, 0, len, charset);
        if (cutBytes > 0) {
            text += " … [line cut: " + cutBytes + " more bytes]";
        }
        pending.reset();
        cutBytes = 0;
        sink.accept(new ConsoleLine(stream, System.currentTimeMillis(), text));
    }
}
