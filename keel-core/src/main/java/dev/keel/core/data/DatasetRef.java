package dev.keel.core.data;

import dev.keel.core.KeelException;

/**
 * A parsed reference to one version: {@code name} or {@code name:latest} (the newest),
 * {@code name:v3} (a number), {@code name:prod} (a tag) or {@code name@3f2a9c} (a hash prefix,
 * at least 4 hex digits, {@code sha256:} optional).
 */
public record DatasetRef(String dataset, Kind kind, String value) {

    public enum Kind {
        LATEST,
        NUMBER,
        TAG,
        HASH
    }

    public static DatasetRef parse(String ref) {
        if (ref == null || ref.isBlank()) {
            throw KeelException.invalid(
                    "empty dataset reference: use name, name:v3, name:latest, name:TAG or name@HASH");
        }
        int at = ref.indexOf('@');
        int colon = ref.indexOf(':');
        if (at >= 0 && (colon < 0 || at < colon)) {
            String name = DatasetNames.checkName(ref.substring(0, at));
            String prefix = ref.substring(at + 1);
            if (prefix.startsWith("sha256:")) {
                prefix = prefix.substring(7);
            }
            if (prefix.length() < 4
                    || prefix.length() > 64
                    || !prefix.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw KeelException.invalid(
                        "invalid hash in '" + ref + "': give 4 to 64 lower-case hex digits of the version hash");
            }
            return new DatasetRef(name, Kind.HASH, prefix);
        }
        if (colon < 0) {
            return new DatasetRef(DatasetNames.checkName(ref), Kind.LATEST, "latest");
        }
        String name = DatasetNames.checkName(ref.substring(0, colon));
        String rest = ref.substring(colon + 1);
        if (rest.equals("latest")) {
            return new DatasetRef(name, Kind.LATEST, rest);
        }
        if (DatasetNames.isVersion(rest)) {
            try {
                Integer.parseInt(rest.substring(1));
            } catch (NumberFormatException e) {
                throw KeelException.invalid("invalid version in '" + ref + "': the number is too large");
            }
            return new DatasetRef(name, Kind.NUMBER, rest.substring(1));
        }
        try {
            return new DatasetRef(name, Kind.TAG, DatasetNames.checkTag(rest));
        } catch (KeelException e) {
            throw KeelException.invalid(
                    "invalid reference '" + ref + "': after ':' give latest, v<number> or a tag; " + e.getMessage());
        }
    }

    public int number() {
        return Integer.parseInt(value);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case LATEST -> dataset + ":latest";
            case NUMBER -> dataset + ":v" + value;
            case TAG -> dataset + ":" + value;
            case HASH -> dataset + "@" + value;
        };
    }
}
