package dev.keel.server.ops;

import dev.keel.server.http.RequestListener;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one server process exposes at {@code /metrics}: requests by route, method and status;
 * latency histograms per route; requests in flight; metric points ingested; the HTTP thread
 * pool; JVM memory, threads and garbage collection. Counts are per process: Prometheus sums
 * the processes behind a load balancer.
 *
 * <p>Other modules count ingested points with {@link #pointsApplied} (the server's store does
 * it for every {@code Store.apply}); everything else is counted by the router.
 */
public final class ServerMetrics implements RequestListener {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final double[] LATENCY_BUCKETS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };

    private final MetricsRegistry registry = new MetricsRegistry();
    private final MetricsRegistry.Counter requests;
    private final MetricsRegistry.Histogram latency;
    private final MetricsRegistry.Counter points;
    private final MetricsRegistry.Counter batches;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<ThreadPoolExecutor> pool = new AtomicReference<>();

    public ServerMetrics() {
        requests = registry.counter(
                "keel_http_requests_total",
                "HTTP requests served, by route pattern, method and status.",
                "route",
                "method",
                "status");
        latency = registry.histogram(
                "keel_http_request_duration_seconds",
                "Time from a request's arrival to its last byte written, by route pattern.",
                LATENCY_BUCKETS,
                "route");
        registry.gauge("keel_http_requests_in_flight", "Requests being served now.")
                .track(inFlight::get);
        points = registry.counter(
                "keel_ingest_points_total",
                "Metric points in the batches this process applied to the store (a retried batch counts again).");
        batches = registry.counter("keel_ingest_batches_total", "Write batches this process applied to the store.");
        registry.gauge("keel_http_pool_threads", "Threads of the HTTP request pool, by state.", "state")
                .track(() -> poolValue(p -> p.getPoolSize()), "total")
                .track(() -> poolValue(p -> p.getActiveCount()), "active")
                .track(() -> poolValue(p -> p.getLargestPoolSize()), "largest");
        registry.gauge("keel_http_pool_queue_depth", "Requests waiting for an HTTP pool thread.")
                .track(() -> poolValue(p -> p.getQueue().size()));
        registry.gauge("keel_http_pool_max_threads", "The HTTP request pool's bound.")
                .track(() -> poolValue(p -> p.getMaximumPoolSize()));
        jvm();
    }

    private interface PoolRead {
        int read(ThreadPoolExecutor p);
    }

    private double poolValue(PoolRead read) {
        ThreadPoolExecutor p = pool.get();
        return p == null ? 0 : read.read(p);
    }

    private void jvm() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        registry.gauge("jvm_memory_used_bytes", "JVM memory in use, by area.", "area")
                .track(() -> memory.getHeapMemoryUsage().getUsed(), "heap")
                .track(() -> memory.getNonHeapMemoryUsage().getUsed(), "nonheap");
        registry.gauge("jvm_memory_committed_bytes", "JVM memory committed, by area.", "area")
                .track(() -> memory.getHeapMemoryUsage().getCommitted(), "heap")
                .track(() -> memory.getNonHeapMemoryUsage().getCommitted(), "nonheap");
        registry.gauge("jvm_memory_max_bytes", "The most memory the JVM may use, by area (-1: no bound).", "area")
                .track(() -> memory.getHeapMemoryUsage().getMax(), "heap")
                .track(() -> memory.getNonHeapMemoryUsage().getMax(), "nonheap");
        registry.gauge("jvm_threads_live", "Live JVM threads.")
                .track(() -> ManagementFactory.getThreadMXBean().getThreadCount());
        MetricsRegistry.Gauge gcCount =
                registry.gauge("jvm_gc_collections_total", "Garbage collections so far, by collector.", "gc");
        MetricsRegistry.Gauge gcTime = registry.gauge(
                "jvm_gc_collection_seconds_total", "Time spent in garbage collection, by collector.", "gc");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount.track(gc::getCollectionCount, gc.getName());
            gcTime.track(() -> gc.getCollectionTime() / 1000.0, gc.getName());
        }
        registry.gauge("process_uptime_seconds", "Seconds since this JVM started.")
                .track(() -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    /** The pool whose size and queue {@code /metrics} reports (set when the server starts listening). */
    public void pool(ThreadPoolExecutor executor) {
        pool.set(executor);
    }

    /** Counts a batch of {@code n} metric points applied to the store. */
    public void pointsApplied(long n) {
        batches.inc();
        if (n > 0) {
            points.add(n);
        }
    }

    public long pointsApplied() {
        return points.value();
    }

    @Override
    public void started(String requestId, String method) {
        inFlight.incrementAndGet();
    }

    @Override
    public void finished(
            String requestId, String method, String route, String path, int status, String user, long nanos) {
        inFlight.decrementAndGet();
        String m = method != null && METHODS.contains(method) ? method : "other";
        requests.inc(route, m, Integer.toString(status));
        latency.observe(nanos / 1e9, route);
    }

    /** The registry, for modules that add metrics of their own. */
    public MetricsRegistry registry() {
        return registry;
    }

    /** All metrics in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }
}
