package dev.keel.server.http;

import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.core.http.ServerErrors;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.Authenticator;
import dev.keel.server.auth.Principal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Matches requests to routes, authenticates the caller, enforces each route's declared
 * {@link Access} rule through an {@link AccessCheck}, runs the handler and turns what it returns
 * or throws into a response. Errors are always JSON {@code {error_code, message}}; an unexpected
 * exception is a 500 whose message carries the request id, never a stack trace.
 */
public final class Router {
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Compiled once: String.split compiles a character class anew on every call, for every segment. */
    private static final Pattern SEPARATORS = Pattern.compile("[/\\\\]");

    private static final AtomicLong COUNTER = new AtomicLong();
    /** The status listeners see for a request whose client left before the response was complete. */
    public static final int CLIENT_CLOSED = 499;

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    /** Each route's pattern split once, in the same order as {@link #routes}: matching runs per request. */
    private final List<List<String>> segments = new CopyOnWriteArrayList<>();

    private final List<RequestListener> listeners = new CopyOnWriteArrayList<>();
    private final Authenticator authenticator;
    private final AccessCheck accessCheck;
    private final long maxBodyBytes;
    private volatile OriginGuard guard = new OriginGuard(List.of());
    private final String idPrefix = Long.toString(System.nanoTime() & 0xffffff, 36);

    /** Enforces a route's {@link Access} rule for the caller; throws 401/403/404 to deny. */
    @FunctionalInterface
    public interface AccessCheck {
        void check(Principal who, Access access, Request request);
    }

    public Router(Authenticator authenticator, AccessCheck accessCheck, long maxBodyBytes) {
        this.authenticator = authenticator;
        this.accessCheck = accessCheck;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Router add(Route route) {
        for (Route r : routes) {
            if (r.method().equals(route.method()) && r.pattern().equals(route.pattern())) {
                throw new IllegalArgumentException("route registered twice: " + route.method() + " " + route.pattern());
            }
        }
        synchronized (segments) {
            segments.add(route.segments());
            routes.add(route);
        }
        return this;
    }

    public Router get(String pattern, Access access, String summary, Handler handler) {
        return add(new Route("GET", pattern, access, handler, false, summary));
    }

    public Router post(String pattern, Access access, String summary, Handler handler) {
        return add(new Route("POST", pattern, access, handler, false, summary));
    }

    public Router put(String pattern, Access access, String summary, Handler handler) {
        return add(new Route("PUT", pattern, access, handler, false, summary));
    }

    public Router patch(String pattern, Access access, String summary, Handler handler) {
        return add(new Route("PATCH", pattern, access, handler, false, summary));
    }

    public Router delete(String pattern, Access access, String summary, Handler handler) {
        return add(new Route("DELETE", pattern, access, handler, false, summary));
    }

    /** Replaces the default guard (the bound address and loopback names only). */
    public void guard(OriginGuard originGuard) {
        this.guard = originGuard;
    }

    public void listen(RequestListener listener) {
        listeners.add(listener);
    }

    /** Every registered route, in registration order (the access matrix test walks this list). */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * Serves one exchange; a front calls this for every request, on the thread that read it. A
     * handler may return a {@link CompletionStage}: the response is then sent from the thread that
     * completes it, and no thread waits for it meanwhile.
     */
    public void dispatch(Exchange exchange) {
        long start = System.nanoTime();
        String id = requestId(exchange);
        Request request = new Request(exchange, id, maxBodyBytes);
        for (RequestListener l : listeners) {
            try {
                l.started(id, exchange.method());
            } catch (RuntimeException ignored) {
                // A listener's failure must not affect serving.
            }
        }
        String[] routeName = {"unmatched"};
        Object result;
        try {
            SecurityHeaders.apply(exchange);
            exchange.responseHeader("X-Request-Id", id);
            guard.check(request);
            if ("OPTIONS".equals(request.method())) {
                result = options(request);
            } else {
                Route route = match(request);
                routeName[0] = route.pattern();
                if (!route.streaming()) {
                    request.checkDeclaredLength();
                }
                request.principal(authenticator.authenticate(request));
                accessCheck.check(request.principal(), route.access(), request);
                result = route.handler().handle(request);
            }
        } catch (Exception | StackOverflowError e) {
            result = failure(e, request);
        } catch (Error e) {
            finish(exchange, request, routeName[0], start, failure(e, request));
            throw e;
        }
        if (result instanceof CompletionStage<?> later) {
            later.whenComplete((value, error) -> finish(
                    exchange, request, routeName[0], start, error == null ? value : failure(unwrap(error), request)));
            return;
        }
        finish(exchange, request, routeName[0], start, result);
    }

    /**
     * Answers a request that a front could not take apart (a malformed request line or header, a
     * body that breaks off) with the same error shape, headers and listeners as any other answer;
     * the response says {@code Connection: close}, as the connection cannot carry another request.
     */
    public void refuse(Exchange exchange, KeelException problem) {
        long start = System.nanoTime();
        Request request = new Request(exchange, requestId(exchange), maxBodyBytes);
        for (RequestListener l : listeners) {
            try {
                l.started(request.id(), exchange.method());
            } catch (RuntimeException ignored) {
                // A listener's failure must not affect serving.
            }
        }
        SecurityHeaders.apply(exchange);
        exchange.responseHeader("X-Request-Id", request.id());
        Response response = error(problem.code(), problem.getMessage()).header("Connection", "close");
        finish(exchange, request, "unmatched", start, response);
    }

    /** What a handler's exception becomes: its error code's response, or a 500 that names the request. */
    private Response failure(Throwable e, Request request) {
        if (e instanceof KeelException k) {
            Response result = error(k.code(), k.getMessage());
            if (k.code() == ErrorCode.METHOD_NOT_ALLOWED) {
                // RFC 9110: a 405 names the methods the path does take.
                result.header("Allow", String.join(", ", allowed(split(request))));
            }
            return result;
        }
        if (e instanceof IllegalArgumentException) {
            return error(ErrorCode.INVALID_PARAMETER_VALUE, e.getMessage());
        }
        System.err.println("keel server: request " + request.id() + " failed: " + e);
        e.printStackTrace();
        return error(
                ErrorCode.INTERNAL_ERROR,
                "internal error while serving request " + request.id()
                        + "; the server log has the details under this id");
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private void finish(Exchange exchange, Request request, String routeName, long start, Object result) {
        int status = 500;
        try {
            status = send(exchange, result);
        } catch (IOException e) {
            // The client went away before the response was complete; nothing more to tell it.
            // Logged and counted as 499 (as nginx does), not as a server error.
            status = CLIENT_CLOSED;
        } finally {
            exchange.close();
            long nanos = System.nanoTime() - start;
            String user = request.principal().user();
            for (RequestListener l : listeners) {
                try {
                    l.finished(request.id(), exchange.method(), routeName, exchange.rawPath(), status, user, nanos);
                } catch (RuntimeException ignored) {
                    // A listener's failure must not affect serving.
                }
            }
        }
    }

    /**
     * CORS preflights and {@code OPTIONS} requests: the methods a path takes, and no
     * {@code Access-Control-Allow-*} header, so browsers refuse cross-origin calls.
     */
    private Response options(Request request) {
        Set<String> methods = allowed(split(request));
        if (methods.isEmpty()) {
            throw new KeelException(
                    ErrorCode.ENDPOINT_NOT_FOUND,
                    "no endpoint at " + request.path() + "; see /api/v1/openapi.json for the API");
        }
        return Response.noContent().header("Allow", String.join(", ", methods));
    }

    /**
     * The methods the path takes, HEAD with GET and OPTIONS with any; empty when no route
     * matches. Only the routes of the most specific matching pattern count: {@code .../blobs/fetch}
     * is its own resource, not a {@code .../blobs/{hash}} whose hash is "fetch".
     */
    private Set<String> allowed(List<String> path) {
        Set<String> methods = new TreeSet<>();
        int best = -1;
        for (int i = 0; i < routes.size(); i++) {
            if (match(segments.get(i), path) == null) {
                continue;
            }
            int literals = literals(segments.get(i));
            if (literals > best) {
                best = literals;
                methods.clear();
            }
            if (literals == best) {
                methods.add(routes.get(i).method());
                if (routes.get(i).method().equals("GET")) {
                    methods.add("HEAD");
                }
            }
        }
        if (!methods.isEmpty()) {
            methods.add("OPTIONS");
        }
        return methods;
    }

    private static int literals(List<String> pattern) {
        int n = 0;
        for (String p : pattern) {
            if (!p.startsWith("{")) {
                n++;
            }
        }
        return n;
    }

    private static List<String> split(Request request) {
        List<String> path;
        try {
            path = Route.split(request.path());
        } catch (RuntimeException e) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "malformed path");
        }
        for (String segment : path) {
            checkSegment(decodePath(segment));
        }
        return path;
    }

    /**
     * No path parameter may climb out of where a handler puts it: '.' and '..' segments (also
     * percent-encoded, or hidden in a parameter as "a%2F..%2Fb") and NUL are refused for every
     * route, before any handler sees them.
     */
    private static void checkSegment(String decoded) {
        if (decoded.indexOf('\0') >= 0) {
            throw new KeelException(ErrorCode.INVALID_PARAMETER_VALUE, "the path contains a NUL character");
        }
        for (String part : SEPARATORS.split(decoded, -1)) {
            if (part.equals("..") || part.equals(".")) {
                throw new KeelException(
                        ErrorCode.INVALID_PARAMETER_VALUE,
                        "the path contains a '" + part
                                + "' segment: paths in this API are never relative; name the object itself");
            }
        }
    }

    private Route match(Request request) {
        List<String> path = split(request);
        Route found = null;
        Map<String, String> foundParams = null;
        int best = -1;
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            Map<String, String> params = match(segments.get(i), path);
            if (params == null) {
                continue;
            }
            int literals = literals(segments.get(i));
            if (literals > best) {
                best = literals;
                found = null;
            }
            // HEAD is GET without the body (load balancers' health checks use it).
            if (literals == best
                    && found == null
                    && (route.method().equals(request.method())
                            || ("HEAD".equals(request.method()) && "GET".equals(route.method())))) {
                found = route;
                foundParams = params;
            }
        }
        if (found != null) {
            request.matched(found, foundParams);
            return found;
        }
        if (best >= 0) {
            throw new KeelException(
                    ErrorCode.METHOD_NOT_ALLOWED,
                    request.method() + " is not supported on " + request.path()
                            + "; see /api/v1/openapi.json for the methods each path takes");
        }
        throw new KeelException(
                ErrorCode.ENDPOINT_NOT_FOUND,
                "no endpoint " + request.method() + " " + request.path() + "; see /api/v1/openapi.json for the API");
    }

    static Map<String, String> match(List<String> pattern, List<String> path) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.endsWith("*}")) {
                if (i >= path.size()) {
                    return null;
                }
                List<String> rest = new ArrayList<>();
                for (String s : path.subList(i, path.size())) {
                    rest.add(decodePath(s));
                }
                params.put(p.substring(1, p.length() - 2), String.join("/", rest));
                return params;
            }
            if (i >= path.size()) {
                return null;
            }
            if (p.startsWith("{")) {
                params.put(p.substring(1, p.length() - 1), decodePath(path.get(i)));
            } else if (!p.equals(path.get(i))) {
                return null;
            }
        }
        return pattern.size() == path.size() ? params : null;
    }

    /** Percent-decoding for a path segment: unlike a query, '+' stays a plus. */
    static String decodePath(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        return Request.decode(segment.replace("+", "%2B"));
    }

    private static Response error(ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code.name());
        body.put("message", message == null ? code.name() : message);
        // in a header too: a HEAD answer has no body, and clients tell Keel's errors from a proxy's by it
        Response response = Response.json(code.httpStatus(), body).header(ServerErrors.CODE_HEADER, code.name());
        // a body refused for its size is left unread, so the connection cannot carry another
        // request: say so, or a keep-alive client sends its next request into a closing socket
        return code == ErrorCode.REQUEST_LIMIT_EXCEEDED ? response.header("Connection", "close") : response;
    }

    private static int send(Exchange exchange, Object result) throws IOException {
        Response response =
                result instanceof Response r ? r : result == null ? Response.noContent() : Response.json(200, result);
        response.headers.forEach(exchange::responseHeader);
        if (response.contentType != null) {
            exchange.responseHeader(
                    "Content-Type",
                    response.contentType
                            + (response.contentType.startsWith("application/json")
                                            || response.contentType.startsWith("text/")
                                    ? "; charset=utf-8"
                                    : ""));
        }
        boolean head = "HEAD".equals(exchange.method());
        if (response.status == 204 || response.status == 304) {
            exchange.send(response.status, null, head);
            return response.status;
        }
        byte[] bytes = response.bytes;
        if (response.writer == null && bytes == null) {
            bytes = Json.write(response.json).getBytes(StandardCharsets.UTF_8);
        }
        if (bytes != null) {
            exchange.send(response.status, bytes, head);
            return response.status;
        }
        if (head) {
            exchange.sendHeaders(response.status, -1);
            return response.status;
        }
        exchange.sendHeaders(response.status, response.length < 0 ? 0 : response.length);
        try (OutputStream out = exchange.responseBody()) {
            response.writer.write(out);
        }
        return response.status;
    }

    private String requestId(Exchange exchange) {
        String given = exchange.requestHeader("X-Request-Id");
        if (given != null && CLIENT_REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        return idPrefix + "-" + Long.toString(COUNTER.incrementAndGet(), 36);
    }
}
