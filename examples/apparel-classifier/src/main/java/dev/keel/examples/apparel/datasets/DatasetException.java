package dev.keel.examples.apparel.datasets;

/** A dataset could not be found, fetched, verified or parsed; the message names the file and the fix. */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
