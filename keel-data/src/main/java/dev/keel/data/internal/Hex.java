package dev.keel.data.internal;

import dev.keel.core.blob.Hashes;

import java.security.MessageDigest;
import java.util.HexFormat;

/** SHA-256 as bare hex (manifests) and conversion to and from blob addresses. */
final class Hex {
    private static final HexFormat HEX = HexFormat.of();
    private static final ThreadLocal<MessageDigest> MD = ThreadLocal.withInitial(Hashes::sha256);

    private Hex() {}

    static String sha256(byte[] data, int off, int len) {
        var md = MD.get();
        md.update(data, off, len);
        return HEX.formatHex(md.digest());
    }

    static String of(byte[] digest) {
        return HEX.formatHex(digest);
    }

    static String address(String hex) {
        return Hashes.PREFIX + hex;
    }

    static String strip(String address) {
        return address.startsWith(Hashes.PREFIX) ? address.substring(Hashes.PREFIX.length()) : address;
    }
}
