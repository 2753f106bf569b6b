package dev.keel.blob.s3;

import dev.keel.core.KeelException;

import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where and how to reach a bucket. Built from a location and the environment with
 * {@link #fromLocation}, or directly for tests and embedding:
 *
 * <pre>{@code
 * S3Options o = S3Options.fromLocation("s3://ml-team/keel", System.getenv());
 * S3Options local = o.withEndpoint(URI.create("http://127.0.0.1:9000"), true);
 * }</pre>
 *
 * <p>Environment: {@code KEEL_S3_ENDPOINT} (e.g. a MinIO URL; empty means AWS),
 * {@code KEEL_S3_REGION} (else {@code AWS_REGION}, else us-east-1), {@code KEEL_S3_PATH_STYLE}
 * (true/false; defaults to true when an endpoint is set, because most S3-compatible servers want
 * it), {@code KEEL_S3_PART_SIZE_MB} (multipart part size, 5-1024, default 8), and
 * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}; without
 * those the AWS default chain (profiles, web identity, instance roles) is used.
 *
 * @param prefix      "" or a key prefix ending in '/'
 * @param endpoint    null for AWS itself
 * @param accessKeyId null to use the AWS default credentials chain
 * @param partSize    bytes per multipart part; also the largest blob sent in one request
 * @param partsInFlight parts uploaded concurrently; memory used is about
 *                    {@code (partsInFlight + 1) * partSize}
 */
public record S3Options(
        String bucket,
        String prefix,
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        int partSize,
        int partsInFlight,
        int listPageSize) {
    /** S3's own lower bound for every part but the last. */
    public static final int MIN_PART_SIZE = 5 << 20;

    public static final int DEFAULT_PART_SIZE = 8 << 20;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Options {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw KeelException.invalid("'" + bucket + "' is not an S3 bucket name: use 3-63 characters"
                    + " of a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
        }
        prefix = normalizePrefix(prefix);
        if (region == null || region.isBlank()) {
            throw KeelException.invalid("S3 region is empty: set KEEL_S3_REGION (e.g. us-east-1)");
        }
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw KeelException.invalid("S3 credentials are incomplete: set both AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, or neither to use the AWS default chain");
        }
        if (partSize < MIN_PART_SIZE || partSize > (1 << 30)) {
            throw KeelException.invalid("S3 part size " + partSize + " is out of range: use 5 MiB to 1 GiB");
        }
        if (partsInFlight < 1 || partsInFlight > 64) {
            throw KeelException.invalid("S3 parts in flight " + partsInFlight + " is out of range: use 1-64");
        }
        if (listPageSize < 1 || listPageSize > 1000) {
            throw KeelException.invalid("S3 list page size " + listPageSize + " is out of range: use 1-1000");
        }
    }

    /** {@code s3://bucket[/prefix]} with settings from {@code env} (see the class comment). */
    public static S3Options fromLocation(String location, Map<String, String> env) {
        if (location == null || !location.startsWith("s3://")) {
            throw KeelException.invalid("'" + location + "' is not an S3 location: expected s3://bucket[/prefix]");
        }
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        String endpoint = blankToNull(env.get("KEEL_S3_ENDPOINT"));
        String region = blankToNull(env.get("KEEL_S3_REGION"));
        if (region == null) {
            region = blankToNull(env.get("AWS_REGION"));
        }
        String pathStyle = blankToNull(env.get("KEEL_S3_PATH_STYLE"));
        if (pathStyle != null && !pathStyle.equalsIgnoreCase("true") && !pathStyle.equalsIgnoreCase("false")) {
            throw KeelException.invalid("KEEL_S3_PATH_STYLE is '" + pathStyle + "': use true or false");
        }
        int partSize = DEFAULT_PART_SIZE;
        String partMb = blankToNull(env.get("KEEL_S3_PART_SIZE_MB"));
        if (partMb != null) {
            try {
                partSize = Math.multiplyExact(Integer.parseInt(partMb), 1 << 20);
            } catch (NumberFormatException | ArithmeticException e) {
                throw KeelException.invalid(
                        "KEEL_S3_PART_SIZE_MB is '" + partMb + "': use a whole number of MiB, 5-1024");
            }
        }
        URI endpointUri = null;
        if (endpoint != null) {
            endpointUri = URI.create(endpoint);
            if (endpointUri.getScheme() == null || endpointUri.getHost() == null) {
                throw KeelException.invalid(
                        "KEEL_S3_ENDPOINT is '" + endpoint + "': use a URL such as http://127.0.0.1:9000");
            }
        }
        return new S3Options(
                bucket,
                prefix,
                endpointUri,
                region == null ? "us-east-1" : region,
                pathStyle == null ? endpointUri != null : Boolean.parseBoolean(pathStyle),
                blankToNull(env.get("AWS_ACCESS_KEY_ID")),
                blankToNull(env.get("AWS_SECRET_ACCESS_KEY")),
                blankToNull(env.get("AWS_SESSION_TOKEN")),
                partSize,
                2,
                1000);
    }

    /** {@code s3://bucket[/prefix]}, as users write it. */
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
    }

    public S3Options withEndpoint(URI newEndpoint, boolean newPathStyle) {
        return new S3Options(
                bucket,
                prefix,
                newEndpoint,
                region,
                newPathStyle,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                partSize,
                partsInFlight,
                listPageSize);
    }

    public S3Options withCredentials(String newAccessKeyId, String newSecretAccessKey) {
        return new S3Options(
                bucket,
                prefix,
                endpoint,
                region,
                pathStyle,
                newAccessKeyId,
                newSecretAccessKey,
                null,
                partSize,
                partsInFlight,
                listPageSize);
    }

    public S3Options withPrefix(String newPrefix) {
        return new S3Options(
                bucket,
                newPrefix,
                endpoint,
                region,
                pathStyle,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                partSize,
                partsInFlight,
                listPageSize);
    }

    public S3Options withTransfer(int newPartSize, int newPartsInFlight, int newListPageSize) {
        return new S3Options(
                bucket,
                prefix,
                endpoint,
                region,
                pathStyle,
                accessKeyId,
                secretAccessKey,
                sessionToken,
                newPartSize,
                newPartsInFlight,
                newListPageSize);
    }

    /** Never prints the secret: options end up in logs and error messages. */
    @Override
    public String toString() {
        return "S3Options[" + location() + ", endpoint=" + (endpoint == null ? "AWS" : endpoint) + ", region=" + region
                + ", pathStyle=" + pathStyle + ", accessKeyId="
                + (accessKeyId == null ? "(default chain)" : accessKeyId)
                + ", partSize=" + partSize + ", partsInFlight=" + partsInFlight + "]";
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String p = prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            return "";
        }
        for (String segment : p.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw KeelException.invalid("S3 prefix '" + prefix + "' has an empty, '.' or '..' segment: use a/b/c");
            }
        }
        return p + "/";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
