package dev.keel.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler sends back when plain JSON with status 200 is not enough: another status, a
 * content type, headers, or a body written as a stream (files, blobs, server-sent events).
 */
public final class Response {
    final int status;
    final String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();
    final Object json;
    final byte[] bytes;
    final BodyWriter writer;
    /** Length of a streamed body when known, else -1 (chunked). */
    final long length;

    /** Writes a streamed body; the stream is closed by the router afterwards. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    private Response(int status, String contentType, Object json, byte[] bytes, BodyWriter writer, long length) {
        this.status = status;
        this.contentType = contentType;
        this.json = json;
        this.bytes = bytes;
        this.writer = writer;
        this.length = length;
    }

    public static Response json(int status, Object body) {
        return new Response(status, "application/json", body, null, null, -1);
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, contentType, null, body, null, body.length);
    }

    /** A streamed body of known length ({@code length >= 0}) or chunked ({@code -1}). */
    public static Response stream(int status, String contentType, long length, BodyWriter writer) {
        return new Response(status, contentType, null, null, writer, length);
    }

    public static Response noContent() {
        return new Response(204, null, null, null, null, -1);
    }

    public Response header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }
}
