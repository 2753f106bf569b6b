package dev.keel.internal.provenance;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of provenance, which is stored with every run and shown to whoever can read
 * it: credentials in URLs, and the values of anything named like a key, token, secret or password.
 */
final class Redact {
    static final String HIDDEN = "***";
    private static final Pattern URL_USERINFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@");
    private static final Pattern NAMED_VALUE = Pattern.compile("^(-D|--?)?([^=\\s]+)=(.*)$", Pattern.DOTALL);
    private static final String[] SECRET_WORDS = {
        "KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "PRIVATE", "AUTH"
    };

    private Redact() {}

    /** Whether a variable, property or option of this name may hold a secret. */
    static boolean isSecretName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (upper.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** {@code https://user:token@host/x} → {@code https://host/x}, anywhere in the text. */
    static String urlCredentials(String text) {
        return text == null ? null : URL_USERINFO.matcher(text).replaceAll("$1");
    }

    /**
     * Hides the values of secret-looking options: {@code -Dapi.key=v}, {@code --token=v} and
     * {@code --token v}; strips URL credentials from the rest.
     */
    static List<String> arguments(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        boolean hideNext = false;
        for (String arg : args) {
            if (hideNext) {
                out.add(HIDDEN);
                hideNext = false;
                continue;
            }
            Matcher m = NAMED_VALUE.matcher(arg);
            if (m.matches() && isSecretName(m.group(2))) {
                out.add((m.group(1) == null ? "" : m.group(1)) + m.group(2) + "=" + HIDDEN);
            } else if (arg.startsWith("-") && !arg.contains("=") && isSecretName(arg)) {
                out.add(arg);
                hideNext = true;
            } else {
                out.add(urlCredentials(arg));
            }
        }
        return out;
    }
}
