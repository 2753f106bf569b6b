package dev.keel.server.fuzz;

import dev.keel.server.http.Route;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Requests no HTTP client library would send: broken request lines, headers and framing. */
final class RawRequests {
    private final Random rnd;
    private final FuzzValues values;

    RawRequests(Random rnd, FuzzValues values) {
        this.rnd = rnd;
        this.values = values;
    }

    byte[] next(List<Route> routes) {
        Route route = routes.get(rnd.nextInt(routes.size()));
        values.writing = !route.method().equals("GET");
        String path = Fuzz.path(route, values, rnd);
        String s;
        switch (rnd.nextInt(12)) {
            case 0:
                s = "GET " + path + "\r\n\r\n"; // HTTP/0.9-style, no version
                break;
            case 1:
                s = route.method() + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{\"a\":";
                break; // body shorter than declared, then EOF
            case 2:
                s = "POST " + path
                        + " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
                break; // bad chunk size
            case 3:
                s = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n";
                break;
            case 4:
                s = "GET " + path.replace("%", "%%") + "\u0000\u0007 HTTP/1.1\r\nHost: localhost\r\n\r\n";
                break;
            case 5:
                s = "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
                break;
            case 6:
                s = "GET " + path + " HTTP/9.9\r\nHost: localhost\r\n\r\n";
                break;
            case 7:
                s = route.method() + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n";
                break;
            case 8:
                s = route.method() + " " + path
                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\n{}";
                break;
            case 9: {
                byte[] junk = new byte[1 + rnd.nextInt(500)];
                rnd.nextBytes(junk);
                return junk;
            }
            case 10:
                s = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Long: " + "v".repeat(100_000) + "\r\n\r\n";
                break;
            default:
                s = route.method() + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n"; // truncated chunked body
                break;
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
