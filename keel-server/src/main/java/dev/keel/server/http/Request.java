package dev.keel.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.keel.core.Json;
import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.server.auth.Principal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as handlers see it: path parameters, query parameters, headers, the caller
 * and the body (read once, within the server's size limit).
 */
public final class Request {
    /** Whole numbers of any size parse (as big integers); handlers that need a long say so. */
    private static final ObjectReader BODY_READER =
            Json.MAPPER.reader().without(DeserializationFeature.USE_LONG_FOR_INTS);

    private final Exchange exchange;
    private final String id;
    private final long maxBodyBytes;
    private final Map<String, String> query;
    private Map<String, String> params = Map.of();
    private Route route;
    private Principal principal = Principal.ANONYMOUS;
    private byte[] body;

    Request(Exchange exchange, String id, long maxBodyBytes) {
        this.exchange = exchange;
        this.id = id;
        this.maxBodyBytes = maxBodyBytes;
        this.query = parseQuery(exchange.rawQuery());
    }

    /** Builds a request outside a live server, for tests of handlers and authorizers. */
    public static Request forTest(Exchange exchange) {
        return new Request(exchange, "test", 1 << 20);
    }

    void matched(Route route, Map<String, String> params) {
        this.route = route;
        this.params = Collections.unmodifiableMap(params);
    }

    void principal(Principal principal) {
        this.principal = principal;
    }

    /** This request's id, echoed in {@code X-Request-Id} and in the request log. */
    public String id() {
        return id;
    }

    public String method() {
        return exchange.method();
    }

    public String path() {
        return exchange.rawPath();
    }

    public Route route() {
        return route;
    }

    public Principal principal() {
        return principal;
    }

    /** A path parameter; routes only match when every parameter is present. */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalStateException("route " + route.pattern() + " has no parameter " + name);
        }
        return v;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Map<String, String> queryParameters() {
        return query;
    }

    /** A whole-number query parameter within [min, max]; the error names the parameter. */
    public int queryInt(String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw KeelException.invalid("query parameter '" + name + "' must be a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw KeelException.invalid(
                    "query parameter '" + name + "' must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.requestHeader(name));
    }

    public List<String> headers(String name) {
        return exchange.requestHeaders(name);
    }

    /** The body, at most the server's limit (else {@code REQUEST_LIMIT_EXCEEDED}, 413). */
    public byte[] body() {
        if (body == null) {
            body = readLimited();
        }
        return body;
    }

    /** The body parsed as JSON; malformed JSON is a 400 that says where it broke. */
    public JsonNode json() {
        byte[] b = body();
        if (b.length == 0) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "the request body is empty: send a JSON object");
        }
        try {
            JsonNode node = BODY_READER.readTree(b);
            if (node == null || node.isMissingNode()) {
                throw new KeelException(ErrorCode.BAD_REQUEST, "the request body is empty: send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new KeelException(
                    ErrorCode.BAD_REQUEST,
                    "the request body is not valid JSON: " + e.getOriginalMessage() + Json.where(e));
        } catch (IOException e) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "cannot read the request body: " + e.getMessage());
        }
    }

    /** The raw body stream, for streaming routes (blob uploads); not limited by the JSON body limit. */
    public InputStream bodyStream() {
        return exchange.requestBody();
    }

    /** The exchange itself, for a handler that needs what this class does not give (the raw query). */
    public Exchange exchange() {
        return exchange;
    }

    /** Refuses a body whose declared length is over the limit before anything reads it (413). */
    long checkDeclaredLength() {
        String declared = exchange.requestHeader("Content-Length");
        if (declared == null) {
            return -1;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "Content-Length '" + declared + "' is not a number");
        }
        if (length > maxBodyBytes) {
            throw tooLarge();
        }
        return length;
    }

    private byte[] readLimited() {
        long declared = checkDeclaredLength();
        try (InputStream in = exchange.requestBody()) {
            if (declared >= 0 && declared < Integer.MAX_VALUE - 8) {
                // a declared length within the limit: read in chunks (a declared length alone
                // allocates nothing), a small body into one array of its size
                byte[] body = in.readNBytes((int) declared);
                if (body.length < declared) {
                    throw new KeelException(
                            ErrorCode.BAD_REQUEST,
                            "the request body ended after " + body.length + " of the " + declared
                                    + " bytes its Content-Length declares: send the whole body");
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "cannot read the request body: " + e.getMessage());
        }
    }

    private KeelException tooLarge() {
        return new KeelException(
                ErrorCode.REQUEST_LIMIT_EXCEEDED,
                "the request body is larger than this server's limit of " + maxBodyBytes
                        + " bytes: send smaller batches, or raise the server's max-body-bytes setting");
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.putIfAbsent(decode(k), decode(v));
        }
        return out;
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new KeelException(ErrorCode.BAD_REQUEST, "malformed percent-encoding in '" + s + "'");
        }
    }
}
