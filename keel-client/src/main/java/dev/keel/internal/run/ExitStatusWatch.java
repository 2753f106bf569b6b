package dev.keel.internal.run;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.keel.internal.exitagent.ExitAgent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes the status of an explicit {@code System.exit(n)} known to the shutdown hook on JDK 17-20,
 * where the JDK reports it nowhere: in the background it loads Keel's exit-status agent
 * ({@link ExitAgent}) into this very JVM, which patches {@code java.lang.Shutdown.exit(int)} to
 * leave its status in the system property {@value #KEY}.
 *
 * <p>The agent is loaded the way {@code jdk.attach} would load it from another JVM, but from this
 * one and without starting a JVM: HotSpot's attach listener is woken by a {@code SIGQUIT} sent
 * (by a {@code sh -c kill}) while {@code /tmp/.attach_pid<pid>} exists, then takes a
 * {@code load instrument false <jar>} request on {@code /tmp/.java_pid<pid>}. That protocol is
 * fixed for the JDKs this class runs on (17-20; on 21+ the JDK's {@code java.lang.Runtime} logger
 * gives the status and nothing is attached, since dynamic agents print a warning there). The
 * agent jar is written once into a per-user cache, named by its content's hash and checked byte
 * for byte before each use.
 *
 * <p>Cost, measured on JDK 17: about 30 ms from the start of the attempt until the agent is in
 * place, and about 0.1 s of CPU in all, most of it recompiling: a retransformation makes HotSpot
 * 17-20 (which did not record dependencies from the start) drop all compiled code once. Early in a
 * process that is little; a JVM whose JIT has already spent {@value #WARM_JIT_MS} ms when its first
 * run starts is left alone.
 *
 * <p>Anything missing or refused — not Linux or not HotSpot, no {@code java.instrument},
 * {@code -XX:+DisableAttachMechanism}, {@code -Xrs} without a listener already running, a
 * read-only or foreign cache folder, a listener that does not answer within seconds, a warm JIT,
 * or {@code -Dkeel.exitStatusAgent=false} — leaves the status unknown, as before: an exit without
 * {@code close()} then reads as finished. So does an exit before the agent is in place (tens of
 * milliseconds after the first run starts). Nothing is ever printed.
 */
final class ExitStatusWatch {
    /** Where the patched {@code Shutdown.exit} leaves its status ({@link ExitAgent#INSTALLED} before). */
    static final String KEY = "keel.exitStatus";
    private static final long ANSWER_TIMEOUT_MS = 10_000;
    /** Beyond this much JIT time before the first run, recompiling everything costs more than it is worth. */
    private static final long WARM_JIT_MS = 5_000;
    private static final CountDownLatch SETTLED = new CountDownLatch(1);
    private static volatile boolean installed;
    private static volatile String outcome = "not started";
    private static boolean started;

    private ExitStatusWatch() {
    }

    /** Once per JVM: starts loading the agent on a daemon thread; returns at once. */
    static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        if (Runtime.version().feature() >= 21 || !Boolean.parseBoolean(System.getProperty("keel.exitStatusAgent", "true"))) {
            settle("not needed or turned off");
            return;
        }
        Thread t = new Thread(ExitStatusWatch::install, "keel-exit-status");
        t.setDaemon(true);
        t.start();
    }

    /** Waits up to {@code timeoutMs} for the attempt to end; true when the exit status will be known. */
    static boolean await(long timeoutMs) throws InterruptedException {
        return SETTLED.await(timeoutMs, TimeUnit.MILLISECONDS) && installed;
    }

    /** Why the agent is, or is not, in place (for tests and diagnostics). */
    static String outcome() {
        return outcome;
    }

    /** The status the process is exiting with, or null when unknown. */
    static Integer status() {
        if (!installed) {
            return null;
        }
        try {
            return Integer.valueOf(System.getProperty(KEY));
        } catch (RuntimeException e) {
            return null; // still "installed": Shutdown.exit was not called (main returned)
        }
    }

    private static void install() {
        try {
            settle(attach());
        } catch (Throwable e) {
            settle("failed: " + e);
        }
    }

    private static void settle(String why) {
        outcome = why;
        SETTLED.countDown();
    }

    private static String attach() throws Exception {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "not Linux";
        }
        if (ModuleLayer.boot().findModule("java.instrument").isEmpty()) {
            return "no java.instrument module";
        }
        if (adopt()) {
            return "installed before"; // by another copy of Keel in this JVM
        }
        System.clearProperty(KEY);
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (vm == null || Boolean.parseBoolean(vm.getVMOption("DisableAttachMechanism").getValue())) {
            return "attach mechanism disabled";
        }
        boolean noSignals = Boolean.parseBoolean(vm.getVMOption("ReduceSignalUsage").getValue());
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit != null && jit.isCompilationTimeMonitoringSupported() && jit.getTotalCompilationTime() > WARM_JIT_MS) {
            return "the JIT is warm"; // retransforming makes HotSpot 17-20 drop all compiled code: not worth it now
        }
        Path jar = AgentJar.cached();
        if (jar == null) {
            return "no private cache folder for the agent jar";
        }
        long pid = ProcessHandle.current().pid();
        Path socket = Path.of("/tmp/.java_pid" + pid);
        if (!listening(socket)) {
            if (noSignals) {
                return "-Xrs and no attach listener"; // a SIGQUIT would end the process
            }
            if (!wake(pid, socket)) {
                return "the attach listener did not start";
            }
        }
        String answer = request(socket, "load", "instrument", "false", jar + "=" + KEY);
        return adopt() ? "installed" : "agent not installed: " + answer.replace('\n', ' ').trim();
    }

    /** Whether the agent reports itself in place (the property is ours: a value from elsewhere is dropped). */
    private static boolean adopt() {
        try {
            installed = ExitAgent.INSTALLED.equals(System.getProperty(KEY));
            return installed;
        } catch (RuntimeException e) {
            return false; // a security manager
        }
    }

    /** What jdk.attach does on Linux: a trigger file, SIGQUIT, then wait for the socket. */
    private static boolean wake(long pid, Path socket) throws IOException, InterruptedException {
        Path trigger = Path.of("/tmp/.attach_pid" + pid);
        boolean ours = false;
        try {
            Files.createFile(trigger);
            ours = true;
        } catch (FileAlreadyExistsException e) {
            // someone else is attaching right now: their signal serves us too
        }
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "kill -QUIT \"$1\"", "sh", Long.toString(pid))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().clear();
            Process kill = pb.start();
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                return false;
            }
            if (kill.exitValue() != 0) {
                return false;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            for (long nap = 2; System.nanoTime() < deadline; nap = Math.min(nap * 2, 100)) {
                if (listening(socket)) {
                    return true;
                }
                Thread.sleep(nap);
            }
            return listening(socket);
        } finally {
            if (ours) {
                Files.deleteIfExists(trigger);
            }
        }
    }

    /** The listener's socket exists and belongs to this user (as jdk.attach checks). */
    private static boolean listening(Path socket) {
        try {
            PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isOther() && a.owner().getName().equals(System.getProperty("user.name"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** One attach request (protocol 1: version, command and three arguments, each NUL-ended); returns the answer. */
    private static String request(Path socket, String... words) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes("1\0".getBytes(StandardCharsets.UTF_8));
        for (String w : words) {
            req.writeBytes(w.getBytes(StandardCharsets.UTF_8));
            req.write(0);
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(req.toByteArray());
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(4096);
            long deadline = System.currentTimeMillis() + ANSWER_TIMEOUT_MS;
            for (long left; (left = deadline - System.currentTimeMillis()) > 0 && answer.size() < 65_536; ) {
                selector.select(left);
                selector.selectedKeys().clear();
                int n = ch.read(in.clear());
                if (n < 0) {
                    break;
                }
                answer.write(in.array(), 0, n);
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
