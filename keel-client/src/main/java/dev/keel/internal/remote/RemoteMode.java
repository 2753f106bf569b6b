package dev.keel.internal.remote;

import java.time.Duration;

/**
 * Whether and where runs are uploaded: {@code RunOptions.server(url)}, else {@code KEEL_URL};
 * {@code KEEL_MODE=offline} records locally only (for {@code keel sync} later). How long a
 * closing run waits for its upload: {@code KEEL_SYNC_ON_CLOSE_S} (default 10 s).
 *
 * @param url     the server, null for embedded only
 * @param offline a server is configured but nothing is sent now
 */
public record RemoteMode(String url, boolean offline, Duration finishTimeout) {
    public static final Duration DEFAULT_FINISH_TIMEOUT = Duration.ofSeconds(10);

    public static RemoteMode of(String optionUrl) {
        String url = optionUrl != null && !optionUrl.isBlank() ? optionUrl.trim() : env("KEEL_URL");
        boolean offline = "offline".equalsIgnoreCase(env("KEEL_MODE"));
        Duration finish = DEFAULT_FINISH_TIMEOUT;
        String s = env("KEEL_SYNC_ON_CLOSE_S");
        if (s != null) {
            try {
                finish = Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(s) * 1000)));
            } catch (NumberFormatException e) {
                System.err.println("keel: KEEL_SYNC_ON_CLOSE_S='" + s + "' is not a number of seconds; using "
                        + DEFAULT_FINISH_TIMEOUT.toSeconds());
            }
        }
        return new RemoteMode(url, offline, finish);
    }

    /** A background sender uploads runs as they are logged. */
    public boolean sending() {
        return url != null && !offline;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
