package dev.keel.bench;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.RunOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic training loop (a dense layer's forward and backward matrix products per batch,
 * about a millisecond of work) run with and without Keel logging 5 metrics every batch, system
 * metrics and console capture on as users get them. Trials alternate to share machine noise;
 * the medians are compared.
 */
final class LoopOverhead {
    private static final int B = 64;
    private static final int IN = 256;
    private static final int OUT = 128;

    private LoopOverhead() {}

    static void main(String[] args) {
        int batches = (int) Stats.arg(args, "--batches", 3000);
        int trials = (int) Stats.arg(args, "--trials", 7);
        boolean system = Stats.arg(args, "--system-metrics", 1) == 1;
        boolean console = Stats.arg(args, "--console", 1) == 1;
        Path home = Homes.fresh("overhead");
        float[] x = random(B * IN, 1);
        float[] w = random(IN * OUT, 2);
        float[] y = new float[B * OUT];
        float[] gw = new float[IN * OUT];
        loop(null, batches, x, w, y, gw); // warm-up
        double[] plain = new double[trials];
        double[] tracked = new double[trials];
        boolean cpu = Stats.arg(args, "--cpu", 1) == 1;
        ThreadCpu threads = new ThreadCpu();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] plainCpu = new double[trials];
        double[] trackedCpu = new double[trials];
        for (int t = 0; t < trials; t++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            loop(null, batches, x, w, y, gw);
            plain[t] = (System.nanoTime() - t0) / 1e6;
            plainCpu[t] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            threads.mark();
            long initStart = System.nanoTime();
            try (Run run = Keel.init(RunOptions.builder()
                    .project("bench-overhead")
                    .home(home)
                    .systemMetrics(system)
                    .captureConsole(console)
                    .build())) {
                threads.markLoop();
                c0 = mx.getCurrentThreadCpuTime();
                t0 = System.nanoTime();
                loop(run, batches, x, w, y, gw);
                tracked[t] = (System.nanoTime() - t0) / 1e6;
                trackedCpu[t] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
                threads.endLoop();
            }
            if (cpu) {
                threads.report(t, (t0 - initStart) / 1e6, tracked[t]);
                System.out.printf(
                        "trial %d: plain %.0f ms (cpu %.0f), tracked %.0f ms (cpu %.0f)%n",
                        t, plain[t], plainCpu[t], tracked[t], trackedCpu[t]);
            }
        }
        double p = Stats.median(plain);
        double k = Stats.median(tracked);
        Stats.result("loop.plain.median", p, "ms", "-");
        Stats.result("loop.tracked.median", k, "ms", "-");
        String variant = (system ? "" : ".no-system-metrics") + (console ? "" : ".no-console");
        Stats.result("loop.overhead" + variant, (k / p - 1) * 100, "%", "<= 1 %");
        // the training thread's own CPU time: blind to time it waited for a core, so steadier
        // under other load; it still counts what the tracking costs it (log() calls, caches)
        Stats.result(
                "loop.overhead.thread-cpu" + variant,
                (Stats.median(trackedCpu) / Stats.median(plainCpu) - 1) * 100,
                "%",
                "-");
    }

    private static void loop(Run run, int batches, float[] x, float[] w, float[] y, float[] gw) {
        Map<String, Double> m = new HashMap<>();
        double loss = 0;
        for (int b = 0; b < batches; b++) {
            // forward: y = x·w
            for (int i = 0; i < B; i++) {
                for (int j = 0; j < OUT; j++) {
                    float s = 0;
                    for (int k = 0; k < IN; k++) {
                        s += x[i * IN + k] * w[k * OUT + j];
                    }
                    y[i * OUT + j] = s;
                }
            }
            // backward for w: gw = xᵀ·y (y stands in for the upstream gradient)
            for (int k = 0; k < IN; k++) {
                for (int j = 0; j < OUT; j++) {
                    float s = 0;
                    for (int i = 0; i < B; i++) {
                        s += x[i * IN + k] * y[i * OUT + j];
                    }
                    gw[k * OUT + j] = s * 1e-9f;
                }
            }
            loss = loss * 0.99 + y[b % y.length] * 1e-3;
            if (run != null) {
                m.put("loss", loss);
                m.put("accuracy", b / (double) batches);
                m.put("lr", 0.001);
                m.put("grad_norm", (double) gw[b % gw.length]);
                m.put("batch", (double) b);
                run.log(m);
            }
        }
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }
}
