package dev.keel.server.http;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages on other origins from driving the server through a visitor's browser, which
 * matters most for {@code keel ui}: it has no sign-in, so a browser on the same machine is all an
 * attacker's page needs. Two checks, before any route runs:
 *
 * <ul>
 *   <li><b>Host.</b> A DNS-rebinding page (its own name made to resolve to 127.0.0.1) reads the
 *   server as if it were its own origin, but its requests carry its own name in {@code Host}.
 *   So a Host must be one of the server's names: {@code localhost}, the bound address, a name
 *   given in {@code allowedHosts} ({@code *.example.com} for every subdomain), or an IP address
 *   (rebinding needs a name the attacker controls). A server bound to a non-loopback address
 *   with no names configured answers any Host: it cannot know the names (load balancers, DNS)
 *   it is reached by, its API needs credentials a rebinding page does not have, and the Origin
 *   check below still applies.</li>
 *   <li><b>Origin.</b> A page may send "simple" cross-origin POSTs (a form, {@code fetch} with
 *   {@code mode: 'no-cors'}) without any preflight; the browser hides the answer, but the change
 *   is made. So a request other than GET, HEAD or OPTIONS is refused when the browser marks it
 *   {@code Sec-Fetch-Site: cross-site} or {@code same-site}, or sends an {@code Origin} that is
 *   neither the request's own {@code Host} nor a configured name. Clients that are not browsers
 *   (curl, the SDK, MLflow clients) send neither header and are unaffected.</li>
 * </ul>
 *
 * Reads from a foreign origin are let through: without an {@code Access-Control-Allow-Origin}
 * grant (this server never sends one) the browser does not let the page see the answer, and
 * refusing them would break plain links to the dashboard.
 */
public final class OriginGuard {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}");
    private static final String FIX = "add it with --allowed-hosts";
    private static final String WHO_MAY_WRITE = "only this server's own pages and clients that are not browsers"
            + " (curl, the SDK, MLflow clients) may change data";

    private final List<String> names;
    /**
     * The Host last let through, with the address it was checked against: a client sends the same
     * Host on every request, and checking it anew each time is a large part of a small request's
     * cost. The check is a function of these two and of {@link #names}, which never change.
     */
    private volatile Allowed lastAllowed;

    private record Allowed(String host, InetSocketAddress bound) {}

    /** @param allowedHosts names besides the bound address (see {@link #parse(String)}) */
    public OriginGuard(List<String> allowedHosts) {
        List<String> checked = new ArrayList<>();
        for (String name : allowedHosts) {
            checked.add(checkName(name));
        }
        this.names = List.copyOf(checked);
    }

    /**
     * A comma-separated list of host names, as {@code --allowed-hosts} takes it: {@code keel.example},
     * {@code *.example.com} (every subdomain); a port is ignored. Bad entries are an
     * {@code INVALID_PARAMETER_VALUE} that names them.
     */
    public static List<String> parse(String commaSeparated) {
        List<String> out = new ArrayList<>();
        if (commaSeparated == null) {
            return out;
        }
        for (String part : commaSeparated.split(",")) {
            if (!part.isBlank()) {
                out.add(checkName(part));
            }
        }
        return out;
    }

    private static String checkName(String given) {
        String entry = given.trim().toLowerCase(Locale.ROOT);
        boolean wildcard = entry.startsWith("*.");
        String name = hostName(wildcard ? entry.substring(2) : entry);
        if (name == null || (wildcard && IPV4.matcher(name).matches())) {
            throw KeelException.invalid("allowed host '" + given.trim() + "' is not a host name: give names like"
                    + " keel.example.com or *.example.com (no scheme, no path), separated by commas");
        }
        return wildcard ? "*." + name : name;
    }

    /** Refuses (403, {@code PERMISSION_DENIED}) a request that another web page may have made. */
    void check(Request request) {
        InetSocketAddress bound = request.exchange().boundAddress();
        List<String> hosts = request.headers("Host");
        for (String host : hosts) {
            Allowed known = lastAllowed;
            if (known != null && known.host().equals(host) && known.bound().equals(bound)) {
                continue;
            }
            if (hostName(host) == null) {
                throw new KeelException(
                        ErrorCode.BAD_REQUEST,
                        "refused Host '" + shorten(host) + "': not a host name or address with an optional port");
            }
            if (!hostAllowed(host, bound)) {
                throw new KeelException(
                        ErrorCode.PERMISSION_DENIED,
                        "refused Host '" + shorten(host)
                                + "': this server answers only to its own names (" + String.join(", ", accepted(bound))
                                + " or an IP address), so that a web page reached through another name (DNS rebinding)"
                                + " cannot read it. If you reach the server by this name, " + FIX + " "
                                + hostName(host));
            }
            lastAllowed = new Allowed(host, bound);
        }
        if (SAFE_METHODS.contains(request.method())) {
            return;
        }
        String site = request.header("Sec-Fetch-Site").orElse(null);
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            throw new KeelException(
                    ErrorCode.PERMISSION_DENIED,
                    "refused a " + request.method() + " that the browser marks Sec-Fetch-Site: " + shorten(site) + ": "
                            + WHO_MAY_WRITE);
        }
        for (String origin : request.headers("Origin")) {
            if (!originAllowed(origin, hosts.isEmpty() ? null : hosts.get(0))) {
                throw new KeelException(
                        ErrorCode.PERMISSION_DENIED,
                        "refused a " + request.method()
                                + " from the web page at '" + shorten(origin) + "': " + WHO_MAY_WRITE
                                + "; if that page is this server's own, reached through a proxy under another name, "
                                + FIX);
            }
        }
    }

    boolean hostAllowed(String hostHeader, InetSocketAddress bound) {
        String name = hostName(hostHeader);
        if (name == null) {
            return false;
        }
        if (name.equals("localhost")
                || IPV4.matcher(name).matches()
                || IPV6.matcher(name).matches()
                || name.equals(boundName(bound))
                || configured(name)) {
            return true;
        }
        return names.isEmpty() && !bound.getAddress().isLoopbackAddress();
    }

    /** The page's origin is the request's own host and port, or a configured name. */
    boolean originAllowed(String origin, String hostHeader) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getRawAuthority() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
            return false; // includes "null": sandboxed frames and file:// pages
        }
        String originName = hostName(uri.getRawAuthority());
        if (originName == null) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        if (hostHeader != null
                && originName.equals(hostName(hostHeader))
                && originPort == port(hostHeader, defaultPort)) {
            return true;
        }
        return configured(originName);
    }

    private boolean configured(String name) {
        for (String n : names) {
            if (n.startsWith("*.") ? name.endsWith(n.substring(1)) : name.equals(n)) {
                return true;
            }
        }
        return false;
    }

    private List<String> accepted(InetSocketAddress bound) {
        Set<String> out = new LinkedHashSet<>();
        String own = boundName(bound);
        if (own != null && !bound.getAddress().isAnyLocalAddress()) {
            out.add(own);
        }
        out.add("localhost");
        out.addAll(names);
        return List.copyOf(out);
    }

    private static String boundName(InetSocketAddress bound) {
        String name = hostName(bound.getHostString());
        if (name == null && bound.getHostString().indexOf(':') >= 0) {
            name = hostName("[" + bound.getHostString() + "]");
        }
        return name;
    }

    /**
     * The host of a Host header or authority, lower case, without port or trailing dot, IPv6 in
     * brackets; null when it is not a well-formed name or address.
     */
    static String hostName(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.trim().toLowerCase(Locale.ROOT);
        String name;
        String rest;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = a.substring(0, close + 1);
            rest = a.substring(close + 1);
            if (!IPV6.matcher(name).matches()) {
                return null;
            }
        } else {
            int colon = a.lastIndexOf(':');
            name = colon < 0 ? a : a.substring(0, colon);
            rest = colon < 0 ? "" : a.substring(colon);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (!NAME.matcher(name).matches()) {
                return null;
            }
        }
        if (!rest.isEmpty() && !PORT.matcher(rest).matches()) {
            return null;
        }
        return name;
    }

    private static int port(String authority, int fallback) {
        String a = authority.trim();
        int colon = a.lastIndexOf(':');
        if (colon < 0 || a.lastIndexOf(']') > colon) {
            return fallback;
        }
        try {
            return Integer.parseInt(a.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }
}
