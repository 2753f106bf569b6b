package dev.keel.internal.run;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BiConsumer;

/**
 * A handler for SIGTERM or SIGINT that runs before the handler that was there (the JVM's, which
 * exits). The JDK has no public API for this: {@code sun.misc.Signal} in module jdk.unsupported
 * is the supported-in-practice one, reached by reflection so the build does not carry a
 * proprietary-API warning on every compile. Where it is missing (another JDK, {@code -Xrs}), the
 * shutdown hook still ends runs.
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
            Method getName = signalType.getMethod("getName");
            Method getNumber = signalType.getMethod("getNumber");
            Method callHandler = handlerType.getMethod("handle", signalType);
            Object dfl = handlerType.getField("SIG_DFL").get(null);
            Object ign = handlerType.getField("SIG_IGN").get(null);
            Object[] previous = new Object[1];
            InvocationHandler onSignal = (proxy, method, args) -> {
                switch (method.getName()) {
                    case "handle" -> {
                        Object s = args[0];
                        int number = (Integer) getNumber.invoke(s);
                        before.accept((String) getName.invoke(s), number);
                        Object p = previous[0];
                        if (p == dfl) {
                            Runtime.getRuntime().exit(128 + number);
                        } else if (p != null && p != ign) {
                            callHandler.invoke(p, s);
                        }
                        return null;
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    default -> {
                        return "keel handler for SIG" + name;
                    }
                }
            };
            Object handler = Proxy.newProxyInstance(
                    TerminationSignals.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
            previous[0] = handle.invoke(null, signal, handler);
            return true;
        } catch (InvocationTargetException e) {
            // the JVM keeps this signal (-Xrs) or the platform lacks it
            return false;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return false;
        }
    }
}
