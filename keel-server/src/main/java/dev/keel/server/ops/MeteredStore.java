package dev.keel.server.ops;

import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Wraps the server's store so that every {@code apply} counts its metric points in
 * {@link ServerMetrics}, whichever API module wrote them. A dynamic proxy rather than a
 * hand-written decorator: every other method, including ones added to {@link Store} later,
 * goes to the real store unchanged.
 */
public final class MeteredStore {
    private MeteredStore() {}

    public static Store wrap(Store store, ServerMetrics metrics) {
        return (Store) Proxy.newProxyInstance(
                Store.class.getClassLoader(),
                new Class<?>[] {Store.class},
                (proxy, method, args) -> invoke(proxy, store, metrics, method, args));
    }

    private static Object invoke(Object proxy, Store store, ServerMetrics metrics, Method method, Object[] args)
            throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                default:
                    return "MeteredStore[" + store + "]";
            }
        }
        Object result;
        try {
            result = method.invoke(store, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
        if (method.getName().equals("apply") && args != null && args.length == 2 && args[1] instanceof WriteBatch b) {
            metrics.pointsApplied(b.metrics.size());
        }
        return result;
    }
}
