package dev.keel.blob.s3;

import dev.keel.core.KeelException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3OptionsTest {

    @Test
    void awsDefaultsWithoutAnyEnvironment() {
        S3Options o = S3Options.fromLocation("s3://ml-team", Map.of());
        assertEquals("ml-team", o.bucket());
        assertEquals("", o.prefix());
        assertNull(o.endpoint());
        assertEquals("us-east-1", o.region());
        assertFalse(o.pathStyle(), "AWS itself wants virtual-hosted buckets");
        assertNull(o.accessKeyId(), "the AWS default chain decides");
        assertEquals(S3Options.DEFAULT_PART_SIZE, o.partSize());
        assertEquals("s3://ml-team", o.location());
    }

    @Test
    void environmentConfiguresEndpointRegionPathStyleAndCredentials() {
        S3Options o = S3Options.fromLocation(
                "s3://ml-team/keel/blobs/",
                Map.of(
                        "KEEL_S3_ENDPOINT",
                        "http://127.0.0.1:9000",
                        "AWS_REGION",
                        "eu-west-3",
                        "AWS_ACCESS_KEY_ID",
                        "AKIA1",
                        "AWS_SECRET_ACCESS_KEY",
                        "s3cr3t",
                        "KEEL_S3_PART_SIZE_MB",
                        "16"));
        assertEquals("keel/blobs/", o.prefix());
        assertEquals(URI.create("http://127.0.0.1:9000"), o.endpoint());
        assertEquals("eu-west-3", o.region());
        assertTrue(o.pathStyle(), "S3-compatible servers mostly want path-style buckets");
        assertEquals("AKIA1", o.accessKeyId());
        assertEquals(16 << 20, o.partSize());
        assertEquals("s3://ml-team/keel/blobs", o.location());

        S3Options explicit = S3Options.fromLocation(
                "s3://ml-team",
                Map.of(
                        "KEEL_S3_ENDPOINT",
                        "http://minio:9000",
                        "KEEL_S3_PATH_STYLE",
                        "false",
                        "KEEL_S3_REGION",
                        "auto",
                        "AWS_REGION",
                        "eu-west-3"));
        assertFalse(explicit.pathStyle());
        assertEquals("auto", explicit.region(), "KEEL_S3_REGION wins over AWS_REGION");
    }

    @Test
    void theSecretNeverAppearsInText() {
        S3Options o = S3Options.fromLocation(
                "s3://ml-team", Map.of("AWS_ACCESS_KEY_ID", "AKIA1", "AWS_SECRET_ACCESS_KEY", "very-secret-value"));
        assertFalse(o.toString().contains("very-secret-value"), o.toString());
        assertTrue(o.toString().contains("AKIA1"));
    }

    @Test
    void badSettingsNameTheProblemAndTheFix() {
        assertEquals(
                "'s3:/ml-team' is not an S3 location: expected s3://bucket[/prefix]",
                message(() -> S3Options.fromLocation("s3:/ml-team", Map.of())));
        assertEquals(
                "'ML_Team' is not an S3 bucket name: use 3-63 characters of a-z, 0-9, '.' and '-',"
                        + " starting and ending with a letter or digit",
                message(() -> S3Options.fromLocation("s3://ML_Team/x", Map.of())));
        assertEquals(
                "S3 prefix 'a/../b' has an empty, '.' or '..' segment: use a/b/c",
                message(() -> S3Options.fromLocation("s3://ml-team/a/../b", Map.of())));
        assertEquals(
                "S3 credentials are incomplete: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                        + " or neither to use the AWS default chain",
                message(() -> S3Options.fromLocation("s3://ml-team", Map.of("AWS_ACCESS_KEY_ID", "AKIA1"))));
        assertEquals(
                "KEEL_S3_PATH_STYLE is 'yes': use true or false",
                message(() -> S3Options.fromLocation("s3://ml-team", Map.of("KEEL_S3_PATH_STYLE", "yes"))));
        assertEquals(
                "S3 part size 1048576 is out of range: use 5 MiB to 1 GiB",
                message(() -> S3Options.fromLocation("s3://ml-team", Map.of("KEEL_S3_PART_SIZE_MB", "1"))));
        assertEquals(
                "KEEL_S3_ENDPOINT is 'localhost:9000': use a URL such as http://127.0.0.1:9000",
                message(() -> S3Options.fromLocation("s3://ml-team", Map.of("KEEL_S3_ENDPOINT", "localhost:9000"))));
    }

    private static String message(Runnable r) {
        KeelException e = assertThrows(KeelException.class, r::run);
        assertEquals(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, e.code());
        return e.getMessage();
    }
}
