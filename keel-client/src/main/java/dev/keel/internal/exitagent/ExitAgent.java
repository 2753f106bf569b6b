package dev.keel.internal.exitagent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * The exit-status agent, loaded into a JDK 17-20 process by Keel itself (see
 * {@code dev.keel.internal.run.ExitStatusWatch}). It patches {@code java.lang.Shutdown.exit(int)}
 * — the one method every {@code System.exit}/{@code Runtime.exit} passes through, after the
 * security check — to store its status in the system property named by the agent's argument,
 * then sets that property to {@value #INSTALLED} and takes its transformer away again, so class
 * loading pays nothing afterwards. Never throws: whatever goes wrong leaves the JDK as it was.
 * Uses only {@code java.base} and {@code java.instrument}.
 */
public final class ExitAgent implements ClassFileTransformer {
    /** The property's value once the patch is in place and no exit has happened yet. */
    public static final String INSTALLED = "installed";
    private final Class<?> target;
    private final StatusPropertyPatch patch;
    private volatile boolean patched;

    private ExitAgent(Class<?> target, StatusPropertyPatch patch) {
        this.target = target;
        this.patch = patch;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                            ProtectionDomain domain, byte[] bytes) {
        if (redefined != target) {
            return null;
        }
        byte[] out = patch.patch(bytes);
        patched = out != null;
        return out;
    }

    /** @param key the system property the exit status goes to */
    public static void agentmain(String key, Instrumentation inst) {
        try {
            if (key == null || key.isEmpty() || INSTALLED.equals(System.getProperty(key))) {
                return;
            }
            Class<?> shutdown = Class.forName("java.lang.Shutdown", false, null);
            if (!inst.isRetransformClassesSupported() || !inst.isModifiableClass(shutdown)) {
                return;
            }
            ExitAgent transformer = new ExitAgent(shutdown, new StatusPropertyPatch("exit", "(I)V", 0, key));
            inst.addTransformer(transformer, true);
            try {
                inst.retransformClasses(shutdown);
            } finally {
                inst.removeTransformer(transformer);
            }
            if (transformer.patched) {
                System.setProperty(key, INSTALLED);
            }
        } catch (Throwable e) {
            // the JDK stays as it was; Keel reads an unknown exit status as before
        }
    }
}
