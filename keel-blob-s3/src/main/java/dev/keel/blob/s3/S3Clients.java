package dev.keel.blob.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Builds the SDK client for a set of {@link S3Options}. */
final class S3Clients {
    private S3Clients() {}

    static S3Client create(S3Options o) {
        return builder(o).build();
    }

    static S3ClientBuilder builder(S3Options o) {
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(o.region()))
                .forcePathStyle(o.pathStyle())
                // Plain request bodies: parts are in memory with a known length, so the aws-chunked
                // framing buys nothing, and S3-compatible servers handle it unevenly (S3Proxy reads
                // it a byte at a time).
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(false).build())
                .credentialsProvider(credentials(o))
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(Math.max(16, 4 * o.partsInFlight())))
                // Keel verifies every byte by its SHA-256 address; the SDK's default extra
                // checksums (aws-chunked trailers) are what many S3-compatible servers reject.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (o.endpoint() != null) {
            b.endpointOverride(o.endpoint());
        }
        return b;
    }

    private static AwsCredentialsProvider credentials(S3Options o) {
        if (o.accessKeyId() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(
                o.sessionToken() == null
                        ? AwsBasicCredentials.create(o.accessKeyId(), o.secretAccessKey())
                        : AwsSessionCredentials.create(o.accessKeyId(), o.secretAccessKey(), o.sessionToken()));
    }
}
