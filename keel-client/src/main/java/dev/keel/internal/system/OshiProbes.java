package dev.keel.internal.system;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HWPartition;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The probes backed by OSHI and the JVM. Each keeps its previous reading, so rates and loads are per interval. */
final class OshiProbes {
    private OshiProbes() {}

    /** Machine-wide CPU load since the previous sample. */
    static final class Cpu implements Probe {
        private final CentralProcessor cpu;
        private long[] previous;

        Cpu(SystemInfo si) {
            this.cpu = si.getHardware().getProcessor();
            this.previous = cpu.getSystemCpuLoadTicks();
        }

        @Override
        public void sample(Map<String, Double> out) {
            out.put(Keys.CPU, 100.0 * cpu.getSystemCpuLoadBetweenTicks(previous));
            previous = cpu.getSystemCpuLoadTicks();
        }
    }

    /** This process's CPU (as a share of the whole machine, 0–100) and resident memory. */
    static final class Process implements Probe {
        private final OperatingSystem os;
        private final int logicalCpus;
        private OSProcess previous;

        Process(SystemInfo si) {
            this.os = si.getOperatingSystem();
            this.logicalCpus = Math.max(1, si.getHardware().getProcessor().getLogicalProcessorCount());
            this.previous = os.getCurrentProcess();
        }

        @Override
        public void sample(Map<String, Double> out) {
            OSProcess now = os.getCurrentProcess();
            if (now == null) {
                return;
            }
            if (previous != null) {
                out.put(Keys.PROCESS_CPU, 100.0 * now.getProcessCpuLoadBetweenTicks(previous) / logicalCpus);
            }
            out.put(Keys.PROCESS_RSS, now.getResidentSetSize() / Keys.MB);
            previous = now;
        }
    }

    /** Share of the machine's memory in use (total less available, as {@code free}'s "available"). */
    static final class Memory implements Probe {
        private final GlobalMemory memory;

        Memory(SystemInfo si) {
            this.memory = si.getHardware().getMemory();
        }

        @Override
        public void sample(Map<String, Double> out) {
            long total = memory.getTotal();
            if (total > 0) {
                out.put(Keys.MEMORY, 100.0 * (total - memory.getAvailable()) / total);
            }
        }
    }

    /** JVM heap used, and its share of the maximum heap (of the committed heap when there is no maximum). */
    static final class Heap implements Probe {
        @Override
        public void sample(Map<String, Double> out) {
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            out.put(Keys.HEAP_USED, heap.getUsed() / Keys.MB);
            long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
            if (max > 0) {
                out.put(Keys.HEAP, 100.0 * heap.getUsed() / max);
            }
        }
    }

    /** How full the filesystem holding the store is (as {@code df}: used of total). */
    static final class DiskUsage implements Probe {
        private final FileStore store;

        DiskUsage(Path storePath) throws IOException {
            this.store = Files.getFileStore(existingAncestor(storePath));
        }

        @Override
        public void sample(Map<String, Double> out) throws IOException {
            long total = store.getTotalSpace();
            if (total > 0) {
                out.put(Keys.DISK, 100.0 * (total - store.getUnallocatedSpace()) / total);
            }
        }
    }

    /**
     * Read/write throughput of the disk holding the store: the disk with a partition mounted at
     * the longest prefix of the store's path; where none matches (containers, overlay or network
     * filesystems) the sum over all disks except loop devices, which is the best available proxy.
     */
    static final class DiskIo implements Probe {
        private final List<HWDiskStore> disks;
        private final Rate read = new Rate();
        private final Rate written = new Rate();

        DiskIo(SystemInfo si, Path storePath) {
            this.disks = disksHolding(si.getHardware().getDiskStores(), existingAncestor(storePath));
            sample(new HashMap<>()); // baseline for the first rate
        }

        @Override
        public void sample(Map<String, Double> out) {
            long r = 0;
            long w = 0;
            for (HWDiskStore d : disks) {
                d.updateAttributes();
                r += d.getReadBytes();
                w += d.getWriteBytes();
            }
            long now = System.nanoTime();
            read.put(Keys.DISK_READ, r, now, out);
            written.put(Keys.DISK_WRITE, w, now, out);
        }

        static List<HWDiskStore> disksHolding(List<HWDiskStore> all, Path path) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException e) {
                real = path.toAbsolutePath();
            }
            HWDiskStore best = null;
            int bestLength = -1;
            for (HWDiskStore d : all) {
                for (HWPartition p : d.getPartitions()) {
                    String mount = p.getMountPoint();
                    if (mount != null
                            && !mount.isEmpty()
                            && real.startsWith(Path.of(mount))
                            && mount.length() > bestLength) {
                        best = d;
                        bestLength = mount.length();
                    }
                }
            }
            if (best != null) {
                return List.of(best);
            }
            List<HWDiskStore> physical = new ArrayList<>();
            for (HWDiskStore d : all) {
                if (!d.getName().contains("loop")) {
                    physical.add(d);
                }
            }
            return physical;
        }
    }

    /** Bytes sent and received over all non-loopback interfaces. */
    static final class Network implements Probe {
        private final List<NetworkIF> interfaces;
        private final Rate sent = new Rate();
        private final Rate received = new Rate();

        Network(SystemInfo si) {
            this.interfaces = si.getHardware().getNetworkIFs(false);
            sample(new HashMap<>());
        }

        @Override
        public void sample(Map<String, Double> out) {
            long s = 0;
            long r = 0;
            for (NetworkIF nif : interfaces) {
                nif.updateAttributes();
                s += nif.getBytesSent();
                r += nif.getBytesRecv();
            }
            long now = System.nanoTime();
            sent.put(Keys.NET_SENT, s, now, out);
            received.put(Keys.NET_RECEIVED, r, now, out);
        }
    }

    /** Turns a growing byte counter into MB/s between two readings; a counter that went back (reset) gives nothing. */
    static final class Rate {
        private long lastBytes = -1;
        private long lastNanos;

        void put(String key, long bytes, long nanos, Map<String, Double> out) {
            if (lastBytes >= 0 && bytes >= lastBytes && nanos > lastNanos) {
                out.put(key, (bytes - lastBytes) / Keys.MB / ((nanos - lastNanos) / 1e9));
            }
            lastBytes = bytes;
            lastNanos = nanos;
        }
    }

    /** The store folder may not exist yet; its nearest existing ancestor is on the same filesystem. */
    static Path existingAncestor(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null ? p : path.toAbsolutePath().getRoot();
    }
}
