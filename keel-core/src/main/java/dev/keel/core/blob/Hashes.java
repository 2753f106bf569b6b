package dev.keel.core.blob;

import dev.keel.core.KeelException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 addresses in Keel's {@code sha256:<hex>} form: the algorithm travels with the value. */
public final class Hashes {
    public static final String PREFIX = "sha256:";
    private static final HexFormat HEX = HexFormat.of();

    private Hashes() {}

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String address(byte[] digest) {
        return PREFIX + HEX.formatHex(digest);
    }

    public static String of(byte[] data) {
        return address(sha256().digest(data));
    }

    /** The 64 hex digits of a valid address; a clear error for anything else. */
    public static String hex(String address) {
        if (address == null || !address.startsWith(PREFIX) || address.length() != PREFIX.length() + 64) {
            throw KeelException.invalid("'" + address + "' is not a blob address: expected sha256: and 64 hex digits");
        }
        String hex = address.substring(PREFIX.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw KeelException.invalid("'" + address + "' is not a blob address: hex digits must be 0-9a-f");
            }
        }
        return hex;
    }
}
