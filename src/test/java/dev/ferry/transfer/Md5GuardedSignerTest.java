package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class Md5GuardedSignerTest {
    private static final AwsCredentialsIdentity KEYS = AwsCredentialsIdentity.create("access", "secret");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T06:00:00Z"), ZoneOffset.UTC);
    private static final byte[] BODY = "body".getBytes(StandardCharsets.UTF_8);

    private static SdkHttpRequest put(String url, boolean withMd5) {
        SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(url))
                .putHeader("Content-Length", String.valueOf(BODY.length));
        if (withMd5) {
            b.putHeader(Md5GuardedSigner.CONTENT_MD5, "hBotaJrYa9FhFEdFPCLG/A==");
        }
        return b.build();
    }

    private static SignedRequest sign(software.amazon.awssdk.http.auth.spi.signer.HttpSigner<AwsCredentialsIdentity>
            signer, SdkHttpRequest request) {
        return signer.sign(SignRequest.builder(KEYS)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(BODY))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.SIGNING_CLOCK, CLOCK)
                .build());
    }

    /**
     * Over HTTP a body with Content-MD5 is left out of the signature, and the request that goes out is the HTTP one,
     * on its own port, with the Host header the HTTP client sends for it (the standard port is not written).
     */
    @ParameterizedTest
    @CsvSource({
        "http://store.example/bucket/key, 80, store.example",
        "http://store.example:9000/bucket/key, 9000, store.example:9000",
        "http://127.0.0.1:80/bucket/key, 80, 127.0.0.1"})
    void overHttpABodyWithContentMd5GoesUnsigned(String url, int port, String host) {
        Md5GuardedSigner signer = new Md5GuardedSigner(AwsV4HttpSigner.create());

        SdkHttpRequest signed = sign(signer, put(url, true)).request();

        assertThat(signed.protocol()).isEqualTo("http");
        assertThat(signed.port()).isEqualTo(port);
        assertThat(signed.firstMatchingHeader("Host")).hasValue(host);
        assertThat(signed.firstMatchingHeader("x-amz-content-sha256")).hasValue("UNSIGNED-PAYLOAD");
        assertThat(signed.firstMatchingHeader("Authorization")).hasValueSatisfying(
                a -> assertThat(a).contains("SignedHeaders=").contains("content-md5"));
    }

    @ParameterizedTest
    @CsvSource({"http://store.example:9000/bucket/key, false", "https://store.example/bucket/key, true"})
    void everythingElseIsSignedAsTheSdkSignsIt(String url, boolean withMd5) {
        Md5GuardedSigner signer = new Md5GuardedSigner(AwsV4HttpSigner.create());
        SdkHttpRequest request = put(url, withMd5);

        SdkHttpRequest ours = sign(signer, request).request();
        SdkHttpRequest sdks = sign(AwsV4HttpSigner.create(), request).request();

        assertThat(ours.headers()).isEqualTo(sdks.headers());
        assertThat(ours.getUri()).isEqualTo(sdks.getUri());
    }
}
