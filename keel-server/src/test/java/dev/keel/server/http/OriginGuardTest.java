package dev.keel.server.http;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard's decisions for binds a test cannot make on a shared machine (every interface), and
 * for malformed headers; {@link CrossOriginHttpTest} and {@code CrossOriginBrowserTest} cover it
 * over real connections.
 */
class OriginGuardTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 7080);
    static final InetSocketAddress EVERY_INTERFACE = new InetSocketAddress("0.0.0.0", 8080);

    @Test
    void boundToEveryInterfaceWithoutNamesAnyHostIsAnsweredWithNamesOnlyThose() {
        OriginGuard open = new OriginGuard(List.of());
        assertTrue(open.hostAllowed("keel.internal:8080", EVERY_INTERFACE));
        assertTrue(open.hostAllowed("whatever.example", EVERY_INTERFACE));
        assertFalse(open.hostAllowed("whatever.example", LOOPBACK), "loopback binds always check");

        OriginGuard named = new OriginGuard(List.of("keel.internal", "*.ml.example.com"));
        assertTrue(named.hostAllowed("keel.internal:8080", EVERY_INTERFACE));
        assertTrue(named.hostAllowed("gpu.ml.example.com", EVERY_INTERFACE));
        assertTrue(named.hostAllowed("10.1.2.3:8080", EVERY_INTERFACE), "IP addresses cannot be rebound");
        assertTrue(named.hostAllowed("[fe80::1]:8080", EVERY_INTERFACE));
        assertTrue(named.hostAllowed("localhost:8080", EVERY_INTERFACE));
        assertFalse(named.hostAllowed("evil.example:8080", EVERY_INTERFACE));
        assertFalse(named.hostAllowed("ml.example.com", EVERY_INTERFACE), "*.x is for subdomains of x");
        assertFalse(named.hostAllowed("ml.example.com.evil.example", EVERY_INTERFACE));
    }

    @Test
    void malformedHostHeadersAreRefused() {
        OriginGuard guard = new OriginGuard(List.of());
        for (String host : List.of(
                "",
                " ",
                "a b",
                "evil.example:port",
                "[::1",
                "[::1]x",
                "evil.example:123456",
                "user@127.0.0.1",
                "127.0.0.1/path",
                "*.example")) {
            assertFalse(guard.hostAllowed(host, LOOPBACK), host);
            assertNull(OriginGuard.hostName(host), host);
        }
        assertEquals("localhost", OriginGuard.hostName("LocalHost.:80"));
        assertEquals("[::1]", OriginGuard.hostName("[::1]:7080"));
    }

    @Test
    void anOriginMustBeTheRequestsOwnHostAndPortOrAConfiguredName() {
        OriginGuard guard = new OriginGuard(List.of("keel.example.com"));
        assertTrue(guard.originAllowed("http://127.0.0.1:7080", "127.0.0.1:7080"));
        assertTrue(guard.originAllowed("http://LOCALHOST:7080", "localhost:7080"));
        assertTrue(guard.originAllowed("https://ui.internal", "ui.internal"), "https's default port");
        assertTrue(guard.originAllowed("http://ui.internal", "ui.internal:80"));
        assertTrue(guard.originAllowed("https://keel.example.com", "127.0.0.1:8080"), "a proxy that sets its own Host");
        assertFalse(guard.originAllowed("http://127.0.0.1:7081", "127.0.0.1:7080"), "another port, another origin");
        assertFalse(guard.originAllowed("http://ui.internal", "ui.internal:8080"));
        assertFalse(guard.originAllowed("http://localhost:7080", "127.0.0.1:7080"), "another name, another origin");
        for (String origin : List.of(
                "null",
                "file://",
                "http://evil.example",
                "chrome-extension://abc",
                "http://127.0.0.1:7080/path",
                "http://127.0.0.1:7080 x",
                "",
                "keel.example.com")) {
            assertFalse(guard.originAllowed(origin, "127.0.0.1:7080"), origin);
        }
        assertFalse(guard.originAllowed("http://127.0.0.1:7080", null), "no Host to compare with");
    }

    @Test
    void configuredNamesAreCheckedWhenGiven() {
        assertEquals(
                List.of("keel.example.com", "*.example.org", "b.example"),
                OriginGuard.parse(" Keel.Example.com , *.example.org,,b.example:8443 "));
        assertEquals(List.of(), OriginGuard.parse(null));
        for (String bad : List.of("*", "http://keel.example", "keel.example/ui", "*.10.0.0.1", "a b", "*.")) {
            KeelException e = assertThrows(KeelException.class, () -> OriginGuard.parse(bad), bad);
            assertTrue(
                    e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("*.example.com"),
                    e.getMessage());
        }
    }
}
