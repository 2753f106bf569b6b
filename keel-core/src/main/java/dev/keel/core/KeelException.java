package dev.keel.core;

/**
 * The root of Keel's own errors. Messages name the offending value and, where there is one,
 * the fix, because they are often the only thing a user reads.
 */
public class KeelException extends RuntimeException {
    private final ErrorCode code;

    public KeelException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public KeelException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** One list of error kinds for the SDK, CLI and (later) the wire; each maps to an HTTP status. */
    public enum ErrorCode {
        INVALID_PARAMETER_VALUE(400),
        /** The request itself is unreadable (not JSON, wrong shape); MLflow's name for it. */
        BAD_REQUEST(400),
        RESOURCE_DOES_NOT_EXIST(404),
        ENDPOINT_NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405),
        REQUEST_LIMIT_EXCEEDED(413),
        TEMPORARILY_UNAVAILABLE(503),
        RESOURCE_ALREADY_EXISTS(409),
        PERMISSION_DENIED(403),
        UNAUTHENTICATED(401),
        STORAGE_FAILURE(500),
        CORRUPT_DATA(500),
        INTERNAL_ERROR(500);

        private final int httpStatus;

        ErrorCode(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    public static KeelException invalid(String message) {
        return new KeelException(ErrorCode.INVALID_PARAMETER_VALUE, message);
    }

    public static KeelException notFound(String message) {
        return new KeelException(ErrorCode.RESOURCE_DOES_NOT_EXIST, message);
    }
}
