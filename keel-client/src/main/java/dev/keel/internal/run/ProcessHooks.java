package dev.keel.internal.run;

import dev.keel.core.RunState;
import dev.keel.core.store.WriteBatch;
import dev.keel.internal.log.EventLogWriter;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Process-wide hooks that give runs their final state when the process ends without
 * {@code close()}: an uncaught exception in the thread that created (or closed) a run →
 * {@code failed}; SIGTERM/SIGINT → {@code killed}, then the previous signal handler runs so the
 * JVM still exits; exit with a non-zero status → {@code failed}, otherwise → {@code finished}.
 *
 * <p>How the exit status is known: {@link dev.keel.Run#exit(int)} gives it; on JDK 21+
 * {@code Runtime.exit} also logs it to the {@code java.lang.Runtime} logger (JDK-8301627), which
 * these hooks enable and listen to. JDK 17-20 report it nowhere, and Keel does not change the JVM
 * to learn it, so there a {@code System.exit(n)} without {@code close()} ends the run
 * {@code finished} with the problem {@link #STATUS_UNKNOWN "exit status unknown"}, whatever
 * {@code n}. Returning from {@code main} leaves no status and nothing to report: finished. Every
 * handler chains to the one it replaced.
 */
final class ProcessHooks {
    /** The problem a run ended by an exit of unknown status records (readers show it). */
    static final String STATUS_UNKNOWN = "exit status unknown: System.exit ran before the run was closed and this JDK"
            + " did not report the status; call run.exit(status) instead of System.exit, or close() the run first";

    private static final Set<RunImpl> ACTIVE = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<RunImpl> LAST_CLOSED = new ThreadLocal<>();
    private static volatile boolean installed;
    private static volatile Integer exitStatus;
    /** Held here because the logging framework keeps loggers only weakly, and with them their level. */
    private static Logger runtimeLogger;

    private ProcessHooks() {}

    static void register(RunImpl run) {
        install();
        ACTIVE.add(run);
    }

    static void unregister(RunImpl run) {
        ACTIVE.remove(run);
    }

    static List<RunImpl> active() {
        return List.copyOf(ACTIVE);
    }

    /** Remembers the run a thread closed, so an exception escaping that thread later can fail it. */
    static void closedBy(RunImpl run, Thread thread) {
        if (thread == run.owner()) {
            LAST_CLOSED.set(run);
        }
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            onUncaught(t, e);
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                System.err.print("Exception in thread \"" + t.getName() + "\" ");
                e.printStackTrace(System.err);
            }
        });
        for (String name : new String[] {"TERM", "INT"}) {
            installSignal(name);
        }
        if (Runtime.version().feature() >= 21) {
            captureExitStatus();
        }
        Thread hook = new Thread(ProcessHooks::onExit, "keel-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void installSignal(String name) {
        TerminationSignals.install(name, (signal, number) -> {
            for (RunImpl run : active()) {
                run.end(RunState.KILLED, "SIG" + signal);
            }
        });
    }

    /** The status a run's {@code exit(status)} is about to exit with, so that every run ends with it. */
    static void exiting(int status) {
        exitStatus = status;
    }

    /** On JDK 21+, Runtime.exit reports its status to this logger when it is enabled for DEBUG. */
    private static void captureExitStatus() {
        try {
            Logger logger = Logger.getLogger("java.lang.Runtime");
            runtimeLogger = logger;
            logger.setLevel(Level.FINE);
            logger.setUseParentHandlers(false);
            logger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord r) {
                    Throwable t = r.getThrown();
                    String m = t == null ? null : t.getMessage();
                    if (m != null && m.startsWith("Runtime.exit(") && m.endsWith(")")) {
                        try {
                            exitStatus = Integer.parseInt(m.substring(13, m.length() - 1));
                        } catch (NumberFormatException ignored) {
                            // keep unknown
                        }
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            });
        } catch (RuntimeException ignored) {
            // another logging back end: exit status stays unknown
        }
    }

    private static void onUncaught(Thread t, Throwable e) {
        String error = "uncaught " + e;
        for (RunImpl run : active()) {
            if (run.owner() == t) {
                run.end(RunState.FAILED, error);
            }
        }
        RunImpl closed = LAST_CLOSED.get();
        if (closed != null && (closed.endState() == RunState.FINISHED || closed.endState() == RunState.STOPPED)) {
            amendToFailed(closed, error);
        }
    }

    private static void onExit() {
        List<RunImpl> open = active();
        if (open.isEmpty()) {
            return;
        }
        Integer status = exitStatus;
        boolean unknown = status == null && exitCalled();
        for (RunImpl run : open) {
            if (status != null && status != 0) {
                run.end(RunState.FAILED, "exit status " + status);
            } else {
                if (unknown) {
                    run.problemsSink().keep("exit-status", STATUS_UNKNOWN);
                }
                run.end(RunState.FINISHED, null);
            }
        }
    }

    /**
     * Whether the JVM is shutting down because some thread called {@code Runtime.exit} (it waits
     * there for the hooks), rather than because the last non-daemon thread ended.
     */
    private static boolean exitCalled() {
        try {
            for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                for (StackTraceElement frame : stack) {
                    if ("java.lang.Shutdown".equals(frame.getClassName()) && "exit".equals(frame.getMethodName())) {
                        return true;
                    }
                }
            }
        } catch (RuntimeException e) {
            // a security manager refusing the stacks: an exit cannot be told from a return
        }
        return false;
    }

    /**
     * A run closed by try-with-resources whose exception then escaped the thread: it was not
     * a success, so its state becomes failed (in the log first, then in the store).
     */
    private static void amendToFailed(RunImpl run, String error) {
        long now = System.currentTimeMillis();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("state", RunState.FAILED.label());
        state.put("endedAt", now);
        state.put("error", error);
        WriteBatch batch = new WriteBatch();
        LogRecords.applyTo(batch, EventType.STATE, state);
        try (EventLogWriter log = EventLogWriter.open(run.home().eventLog(run.id()))) {
            log.add(EventType.STATE, LogRecords.json(state));
            batch.logOffset = log.commit();
        } catch (Exception ignored) {
            batch.logOffset = -1;
        }
        try {
            StoreRegistry.get(run.home()).apply(run.id(), batch);
        } catch (RuntimeException e) {
            System.err.println("keel: run " + run.id() + ": could not record the failure in the store: " + e);
        }
    }
}
