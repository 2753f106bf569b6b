package dev.keel.internal.system;

/** The metric names the monitor writes; docs/system-metrics.md lists them with their units. */
final class Keys {
    static final String PREFIX = "system/";
    static final String CPU = PREFIX + "cpu_percent";
    static final String PROCESS_CPU = PREFIX + "process_cpu_percent";
    static final String MEMORY = PREFIX + "memory_percent";
    static final String PROCESS_RSS = PREFIX + "process_rss_mb";
    static final String HEAP_USED = PREFIX + "jvm_heap_used_mb";
    static final String HEAP = PREFIX + "jvm_heap_percent";
    static final String DISK = PREFIX + "disk_percent";
    static final String DISK_READ = PREFIX + "disk_read_mb_per_s";
    static final String DISK_WRITE = PREFIX + "disk_write_mb_per_s";
    static final String NET_SENT = PREFIX + "network_sent_mb_per_s";
    static final String NET_RECEIVED = PREFIX + "network_received_mb_per_s";

    /** 1 MB = 2^20 bytes, as nvidia-smi's MiB, so memory figures compare directly. */
    static final double MB = 1024.0 * 1024.0;

    private Keys() {}
}
