package dev.keel.core.http;

import dev.keel.core.KeelException;

/**
 * An answer that did not come from a Keel server: a proxy or gateway in front of it, or some
 * other web server at the configured URL. Its code follows the HTTP status, except that a 404
 * is {@code ENDPOINT_NOT_FOUND} (never "this run does not exist") and a gateway's 502/503/504
 * is {@code TEMPORARILY_UNAVAILABLE} (the Keel server behind it may come back); a successful
 * answer that is not Keel's JSON is {@code CORRUPT_DATA}.
 */
public final class NotKeelException extends KeelException {
    private final int status;

    NotKeelException(int status, String message) {
        super(codeFor(status), message);
        this.status = status;
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    private static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
            case 413 -> ErrorCode.REQUEST_LIMIT_EXCEEDED;
            case 502, 503, 504 -> ErrorCode.TEMPORARILY_UNAVAILABLE;
            default ->
                status >= 500
                        ? ErrorCode.INTERNAL_ERROR
                        : status >= 400 ? ErrorCode.BAD_REQUEST : ErrorCode.CORRUPT_DATA;
        };
    }
}
