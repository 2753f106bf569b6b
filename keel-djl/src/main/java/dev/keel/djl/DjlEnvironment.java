package dev.keel.djl;

/**
 * Prepares a JVM for DJL before the first {@code Engine} call: offline (no model-zoo or native
 * downloads, no telemetry call home) and with pinned PyTorch thread counts.
 *
 * <p>Why both switches: in DJL 0.36 {@code Ec2Utils.callHome} returns early when
 * {@code Utils.isOfflineMode()} is true (env {@code DJL_OFFLINE}, else system property
 * {@code ai.djl.offline}, else {@code offline}) <em>or</em> when
 * {@code Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING")} parses as true. That helper reads the
 * environment variable first and falls back to a system property of the same name, so a JVM
 * started without the variable is still opted out by {@code System.setProperty}. Offline mode
 * also makes the PyTorch engine use the native library bundled in
 * {@code pytorch-native-cpu-*.jar} and fail rather than download one.
 *
 * <p>Thread counts change floating-point reduction order and so results, bit for bit; pin them
 * for reproducible runs ({@code ai.djl.pytorch.num_threads} and
 * {@code ai.djl.pytorch.num_interop_threads} are read once, when the engine starts).
 *
 * <pre>{@code
 * DjlEnvironment.prepare(2);           // first thing in main, before any DJL call
 * try (Model model = Model.newInstance("mlp")) { ... }
 * }</pre>
 */
public final class DjlEnvironment {
    private DjlEnvironment() {}

    /** Sets offline mode, opts out of telemetry and pins both PyTorch thread pools to {@code threads}. */
    public static void prepare(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        offline();
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /** Sets offline mode and opts out of telemetry, leaving thread counts to DJL's defaults. */
    public static void offline() {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    /**
     * The thread count to use by default: the {@code KEEL_THREADS} environment variable when set,
     * else the available processors, capped at 4 (more rarely helps these small networks).
     */
    public static int defaultThreads() {
        String env = System.getenv("KEEL_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(env.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("KEEL_THREADS must be a whole number, got '" + env + "'", e);
            }
        }
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }
}
