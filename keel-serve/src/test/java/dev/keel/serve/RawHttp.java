package dev.keel.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, as a test needs it to see exactly what the server writes and when it closes. */
final class RawHttp implements AutoCloseable {
    /** One response: status code, headers (names in lower case), body. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int port;

    RawHttp(int port) throws IOException {
        this.port = port;
        this.socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A request's head with Host, the given headers and a Content-Length when a body follows. */
    String head(String method, String path, byte[] body, String... headers) {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        if (body != null) {
            b.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    /** A whole request as bytes. */
    byte[] request(String method, String path, byte[] body, String... headers) {
        byte[] head = head(method, path, body, headers).getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    Answer send(String method, String path, byte[] body, String... headers) throws IOException {
        write(request(method, path, body, headers));
        return read(!method.equals("HEAD"));
    }

    /** Reads one response; {@code withBody}: its body is sent (not for HEAD). */
    Answer read(boolean withBody) throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the server closed the connection before answering");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(
                    h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    h.substring(colon + 1).trim());
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        String length = headers.get("content-length");
        byte[] body = new byte[0];
        if (withBody && length != null) {
            body = in.readNBytes(Integer.parseInt(length));
        }
        return new Answer(code, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server closes the connection before sending anything more. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true; // reset: closed with our unread bytes in its buffer
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
