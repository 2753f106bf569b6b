package dev.keel.data.bench;

import dev.keel.core.KeelHome;
import dev.keel.data.AddOptions;
import dev.keel.data.Datasets;
import dev.keel.data.LinkMode;

import java.nio.file.Path;

/**
 * One dataset operation per JVM, as the CLI will run it, for fresh-process timings:
 * {@code DataOp HOME add NAME PATH | diff REF REF | checkout REF DIR [copy] | verify}.
 */
public final class DataOp {
    public static void main(String[] a) {
        long t = System.nanoTime();
        try (Datasets d = Datasets.open(new KeelHome(Path.of(a[0])))) {
            String out = switch (a[1]) {
                case "add" -> d.add(a[2], Path.of(a[3]), AddOptions.defaults()).summary();
                case "diff" -> d.diff(a[2], a[3]).stat();
                case "checkout" ->
                    d.checkout(a[2], Path.of(a[3]), a.length > 4 ? LinkMode.parse(a[4]) : LinkMode.COPY)
                            .summary();
                case "verify" -> d.verify(null).damaged().size() + " damaged";
                default -> throw new IllegalArgumentException(a[1]);
            };
            System.out.printf("%s (%.3f s in process)%n", out, (System.nanoTime() - t) / 1e9);
        }
    }
}
