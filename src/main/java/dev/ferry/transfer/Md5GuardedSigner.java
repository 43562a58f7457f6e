package dev.ferry.transfer;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.auth.scheme.S3AuthSchemeProvider;

/**
 * SigV4 that leaves the body of a request carrying Content-MD5 out of the signature over plain HTTP
 * ({@code x-amz-content-sha256: UNSIGNED-PAYLOAD}), as the SDK itself does over HTTPS.
 *
 * <p>Over plain HTTP the SDK always signs the body: in aws-chunked frames by default (a signature per 64 KiB, a
 * stack of stream wrappers on the client, chunk decoding on the server) or, when chunking is off, with the body's
 * SHA-256, which means reading a streamed body twice, and which S3Proxy, for one, checks by holding the whole body in
 * memory. Every PutObject and UploadPart of Ferry (and every DeleteObjects) carries a Content-MD5 header, which is
 * signed: the server refuses a body that does not match it, and a changed header breaks the signature, so hashing
 * the body a second time, with SHA-256, protects nothing more. It costs a pass over every byte on both sides, and on the JVM's C1 compiler SHA-256
 * runs at about 120 MB/s.
 *
 * <p>So a request over HTTP that carries Content-MD5 is signed as if it went over HTTPS (the scheme plays no part in
 * the signature; the port is carried over so the signed Host header stays the one sent); everything else is left to
 * the SDK's signer unchanged: HTTPS, and requests without Content-MD5 (CompleteMultipartUpload, listings).
 */
public final class Md5GuardedSigner implements HttpSigner<AwsCredentialsIdentity> {
    static final String CONTENT_MD5 = "Content-MD5";

    private final HttpSigner<AwsCredentialsIdentity> v4;

    Md5GuardedSigner(HttpSigner<AwsCredentialsIdentity> v4) {
        this.v4 = v4;
    }

    /**
     * Registers this signer on a client being built, with the SDK's auth scheme options changed as it needs:
     * payload signing and aws-chunked encoding off (the SDK's own signer turns payload signing back on over HTTP).
     * Public for the benchmark's raw client, which must sign as Ferry does to remain its ceiling.
     */
    public static S3ClientBuilder applyTo(S3ClientBuilder builder) {
        return builder.putAuthScheme(authScheme()).authSchemeProvider(options(S3AuthSchemeProvider.defaultProvider()));
    }

    /** SigV4 with this signer in place of the SDK's. */
    static AuthScheme<AwsCredentialsIdentity> authScheme() {
        AwsV4AuthScheme sdk = AwsV4AuthScheme.create();
        Md5GuardedSigner signer = new Md5GuardedSigner(sdk.signer());
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return sdk.schemeId();
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return sdk.identityProvider(providers);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    /** The resolver's auth scheme options with payload signing and aws-chunked encoding off. */
    static S3AuthSchemeProvider options(S3AuthSchemeProvider resolver) {
        return params -> resolver.resolveAuthScheme(params).stream()
                .map(option -> option.toBuilder()
                        .putSignerProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .putSignerProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                        .build())
                .toList();
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        if (!"http".equals(http.protocol()) || http.firstMatchingHeader(CONTENT_MD5).isEmpty()) {
            return v4.sign(request);
        }
        int port = http.port();
        SdkHttpRequest asHttps = http.toBuilder().protocol("https").port(port == 80 ? 443 : port).build();
        SignedRequest signed = v4.sign(request.copy(b -> b.request(asHttps)));
        return signed.copy(b -> b.request(signed.request().toBuilder().protocol("http").port(port).build()));
    }

    /** Ferry's clients are synchronous; an asynchronous request is signed by the SDK as it would be. */
    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return v4.signAsync(request);
    }
}
