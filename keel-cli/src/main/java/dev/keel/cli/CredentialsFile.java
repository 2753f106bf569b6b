package dev.keel.cli;

import dev.keel.core.Json;
import dev.keel.core.KeelException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ~/.keel/credentials.json}: one API key per server,
 * {@code {"servers": {"<url>": {"user": "…", "api_key": "…"}}}}, readable by its owner only
 * (mode 600). The SDK's remote mode reads it when {@code KEEL_API_KEY} is not set. Written to a
 * private temporary file first and moved into place, so the key is never readable by others,
 * not even for a moment, and a crash leaves the old file whole.
 */
final class CredentialsFile {
    private final Path file;

    CredentialsFile(Path file) {
        this.file = file;
    }

    static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".keel", "credentials.json");
    }

    /** The URL as the file keys it: no trailing slash. */
    static String normalize(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    @SuppressWarnings("unchecked")
    void save(String url, String user, String apiKey) {
        Map<String, Object> all = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                all.putAll(Json.readMap(Files.readString(file, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                throw new KeelException(
                        KeelException.ErrorCode.STORAGE_FAILURE,
                        "cannot read " + file + " (" + e.getMessage() + "): fix or delete it, then log in again");
            }
        }
        Object servers = all.get("servers");
        Map<String, Object> byUrl =
                servers instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("user", user);
        entry.put("api_key", apiKey);
        byUrl.put(normalize(url), entry);
        all.put("servers", byUrl);
        write(Json.writePretty(all) + "\n");
    }

    private void write(String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system (Windows): the user's profile folder protects it
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another 'keel login' is writing " + tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new KeelException(
                    KeelException.ErrorCode.STORAGE_FAILURE,
                    "cannot write " + file + " (" + e + "): make its folder writable, or pass --credentials FILE");
        }
    }
}
