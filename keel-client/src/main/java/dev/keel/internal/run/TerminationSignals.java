package dev.keel.internal.run;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.BiConsumer;

/**
 * A handler for SIGTERM or SIGINT that runs before the handler that was there (the JVM's, which
 * exits). The JDK has no public API for this: {@code sun.misc.Signal} in module jdk.unsupported
 * is the supported-in-practice one, reached by reflection so the build does not carry a
 * proprietary-API warning on every compile. Where it is missing (another JDK, {@code -Xrs}), the
 * shutdown hook still ends runs.
 *
 * <p>The handler object is made the way a lambda is ({@link LambdaMetafactory}), not as a
 * {@code java.lang.reflect.Proxy}: every {@code Keel.init} in a fresh JVM installs it, and a
 * proxy class is generated from scratch there, while the lambda machinery is already loaded.
 */
final class TerminationSignals {
    private TerminationSignals() {}

    /**
     * Installs {@code before} (given the signal's name and number) for the signal {@code name},
     * chaining to the previous handler; false when the signal cannot be handled here.
     */
    static boolean install(String name, BiConsumer<String, Integer> before) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object signal = signalType.getConstructor(String.class).newInstance(name);
            Method handle = signalType.getMethod("handle", signalType, handlerType);
            Chain chain = new Chain(
                    before,
                    signalType.getMethod("getName"),
                    signalType.getMethod("getNumber"),
                    handlerType.getMethod("handle", signalType),
                    handlerType.getField("SIG_DFL").get(null),
                    handlerType.getField("SIG_IGN").get(null));
            chain.previous = handle.invoke(null, signal, handlerFor(chain, signalType, handlerType));
            return true;
        } catch (InvocationTargetException e) {
            // the JVM keeps this signal (-Xrs) or the platform lacks it
            return false;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** A {@code SignalHandler} whose {@code handle(Signal)} calls {@code chain.handle}. */
    private static Object handlerFor(Chain chain, Class<?> signalType, Class<?> handlerType)
            throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType handleType = MethodType.methodType(void.class, signalType);
        try {
            CallSite site = LambdaMetafactory.metafactory(
                    lookup,
                    "handle",
                    MethodType.methodType(handlerType, Chain.class),
                    handleType,
                    lookup.findVirtual(Chain.class, "handle", MethodType.methodType(void.class, Object.class)),
                    handleType);
            return site.getTarget().invoke(chain);
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new InvocationTargetException(e);
        }
    }

    /** Runs {@code before}, then what the previous handler would have done. */
    static final class Chain {
        private final BiConsumer<String, Integer> before;
        private final Method getName;
        private final Method getNumber;
        private final Method callHandler;
        private final Object dfl;
        private final Object ign;
        volatile Object previous;

        Chain(
                BiConsumer<String, Integer> before,
                Method getName,
                Method getNumber,
                Method callHandler,
                Object dfl,
                Object ign) {
            this.before = before;
            this.getName = getName;
            this.getNumber = getNumber;
            this.callHandler = callHandler;
            this.dfl = dfl;
            this.ign = ign;
        }

        void handle(Object signal) {
            try {
                int number = (Integer) getNumber.invoke(signal);
                before.accept((String) getName.invoke(signal), number);
                Object p = previous;
                if (p == dfl) {
                    Runtime.getRuntime().exit(128 + number);
                } else if (p != null && p != ign) {
                    callHandler.invoke(p, signal);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot pass SIG on to the previous handler: " + e, e);
            }
        }
    }
}
