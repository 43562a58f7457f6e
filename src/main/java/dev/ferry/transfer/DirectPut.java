package dev.ferry.transfer;

import dev.ferry.core.UploadOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.EndpointAuthScheme;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.utils.DateUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * PutObject of a body held in memory, and CopyObject of an object as it is (both HTTP PUTs), built, signed (SigV4,
 * the SDK's signer) and sent through the store's own HTTP client, without the SDK's request pipeline; the answer it
 * cannot take as a success goes back to the SDK.
 *
 * <p>Why: for a small file the pipeline is most of the client's work. Profiles of a backfill of 5,000 files of 1-16
 * KiB put about half the CPU of the upload workers into it (interceptors, marshalling, endpoint and auth scheme
 * resolution, metrics, the response's unmarshalling), and on two cores that CPU decides the files per second. The
 * request sent here is the one the SDK sends: the same URL (from the endpoint the SDK's rules resolved for the
 * bucket, {@link CachedEndpoints#dataPlane}), the same headers, signed the same way ({@link Md5GuardedSigner}); a
 * unit test compares the two requests, so an SDK upgrade that changes either fails it.
 *
 * <p>Only the plain success is taken here: HTTP 200 with an ETag (for a copy, in a {@code CopyObjectResult} body). Anything else (an error status, a connection
 * refused or reset, credentials that do not resolve, a bucket whose endpoint the SDK has not resolved yet, one with
 * another auth scheme than SigV4, a header that is not ASCII) returns empty, and the caller sends the PUT through the
 * SDK, which retries, backs off and reports the failure as it always has. A PUT is idempotent, so sending it twice
 * is harmless. A timeout is the exception: the server took too long once already, and trying again at once would
 * double the wait before the failure is reported, so it is thrown as it is.
 */
final class DirectPut {
    private static final Logger log = LoggerFactory.getLogger(DirectPut.class);

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final CachedEndpoints endpoints;
    private final Md5GuardedSigner signer = new Md5GuardedSigner(AwsV4HttpSigner.create());
    private final LongAdder stored = new LongAdder();

    DirectPut(SdkHttpClient http, AwsCredentialsProvider credentials, CachedEndpoints endpoints) {
        this.http = http;
        this.credentials = credentials;
        this.endpoints = endpoints;
    }

    /**
     * Sends the PUT; the object's ETag (unquoted) when the server stored it, empty when it must go through the SDK.
     *
     * @throws IOException a timeout, after which the PUT is not sent again at once
     */
    Optional<String> put(String bucket, String key, byte[] content, String contentMd5, String contentType,
            Map<String, String> metadata, UploadOptions options) throws IOException {
        return stored(bucket, key, send(bucket, key, request(bucket, key, content.length, contentMd5,
                contentType, metadata, options), content));
    }

    /**
     * The PutObject {@code request} describes, with {@code content} as its body (a streamed copy's: the source's
     * headers, metadata and tags); empty when it must go through the SDK, also when it sets a field this path does not
     * send ({@link #SENT_FIELDS}).
     *
     * @throws IOException a timeout, after which the PUT is not sent again at once
     */
    Optional<String> put(PutObjectRequest request, byte[] content) throws IOException {
        boolean sendable = request.sdkFields().stream()
                .allMatch(f -> SENT_FIELDS.contains(f.memberName()) || f.getValueOrDefault(request) == null);
        if (!sendable) {
            return Optional.empty();
        }
        return stored(request.bucket(), request.key(), send(request.bucket(), request.key(),
                request(request.bucket(), request.key(), b -> headers(b, request)), content));
    }

    /** The fields of a PutObjectRequest that {@link #put(PutObjectRequest, byte[])} sends as the SDK does. */
    static final java.util.Set<String> SENT_FIELDS = java.util.Set.of("Bucket", "Key", "ContentType", "CacheControl",
            "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires", "ContentLength", "ContentMD5",
            "Metadata", "StorageClass", "ServerSideEncryption", "SSEKMSKeyId", "Tagging");

    private static void headers(SdkHttpRequest.Builder b, PutObjectRequest r) {
        header(b, "Cache-Control", r.cacheControl());
        header(b, "Content-Disposition", r.contentDisposition());
        header(b, "Content-Encoding", r.contentEncoding());
        header(b, "Content-Language", r.contentLanguage());
        header(b, "Content-Length", r.contentLength() == null ? null : r.contentLength().toString());
        header(b, Md5GuardedSigner.CONTENT_MD5, r.contentMD5());
        header(b, "Content-Type", r.contentType());
        header(b, "Expires", r.expires() == null ? null : DateUtils.formatRfc822Date(r.expires()));
        header(b, "x-amz-server-side-encryption", r.serverSideEncryptionAsString());
        header(b, "x-amz-storage-class", r.storageClassAsString());
        header(b, "x-amz-tagging", r.tagging());
        header(b, "x-amz-server-side-encryption-aws-kms-key-id", r.ssekmsKeyId());
        if (r.hasMetadata()) {
            r.metadata().forEach((name, value) -> b.putHeader("x-amz-meta-" + name, value));
        }
    }

    private static void header(SdkHttpRequest.Builder b, String name, String value) {
        if (value != null) {
            b.putHeader(name, value);
        }
    }

    /** The ETag of a PUT the server answered with a plain success; empty when it is the SDK's to send again. */
    private Optional<String> stored(String bucket, String key, Optional<HttpExecuteResponse> response) {
        if (response.isEmpty()) {
            return Optional.empty();
        }
        int status = response.get().httpResponse().statusCode();
        drain(response.get().responseBody());
        Optional<String> etag = response.get().httpResponse().firstMatchingHeader("ETag");
        if (status != 200 || etag.isEmpty()) {
            log.debug("{}/{}: direct PUT answered HTTP {}, sending it through the SDK", bucket, key, status);
            return Optional.empty();
        }
        stored.increment();
        return Optional.of(S3ObjectStore.unquote(etag.get()));
    }

    /**
     * A CopyObject of the source version with ETag {@code sourceEtag}, its metadata and tags copied as they are (S3's
     * defaults); the copy's ETag (unquoted) when the server made it, empty when it must go through the SDK. S3 may
     * answer a copy with 200 and an error in the body: only a body that holds a {@code CopyObjectResult} with its
     * ETag is a success.
     *
     * @throws IOException a timeout, after which the copy is not sent again at once
     */
    Optional<String> copy(String sourceBucket, String sourceKey, String sourceEtag, String bucket, String key,
            UploadOptions options) throws IOException {
        Optional<HttpExecuteResponse> response = send(bucket, key, copyRequest(sourceBucket, sourceKey, sourceEtag,
                bucket, key, options), new byte[0]);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        int status = response.get().httpResponse().statusCode();
        String body = read(response.get().responseBody());
        Matcher etag = COPY_RESULT_ETAG.matcher(body);
        if (status != 200 || !body.contains("<CopyObjectResult") || !etag.find()) {
            log.debug("{}/{}: direct copy answered HTTP {}, sending it through the SDK", bucket, key, status);
            return Optional.empty();
        }
        stored.increment();
        return Optional.of(S3ObjectStore.unquote(etag.group(1).replace("&quot;", "\"").replace("&#34;", "\"")));
    }

    private static final Pattern COPY_RESULT_ETAG = Pattern.compile("<ETag>([^<]*)</ETag>");

    /** Signs and sends the request; empty when it is the SDK's to send (see the class comment). */
    private Optional<HttpExecuteResponse> send(String bucket, String key, Optional<Unsigned> request,
            byte[] content) throws IOException {
        if (request.isEmpty() || Thread.currentThread().isInterrupted()) {
            return Optional.empty();
        }
        SdkHttpRequest signed;
        try {
            signed = sign(request.get(), content);
        } catch (RuntimeException e) {
            // credentials that do not resolve, for one: the SDK says so in its own words
            log.debug("{}/{}: not signed directly, through the SDK instead: {}", bucket, key, e.toString());
            return Optional.empty();
        }
        try {
            return Optional.of(http.prepareRequest(HttpExecuteRequest.builder().request(signed)
                    .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(content)).build()).call());
        } catch (InterruptedIOException e) {
            // a timeout (or a stop): the SDK would wait as long again before failing
            throw e;
        } catch (IOException | RuntimeException e) {
            log.debug("{}/{}: direct request failed, sending it through the SDK: {}", bucket, key, e.toString());
            return Optional.empty();
        }
    }

    /** Objects this path has stored or copied (the rest went through the SDK). */
    long stored() {
        return stored.sum();
    }

    /** A request to sign with the SigV4 scheme of its bucket's endpoint. */
    private record Unsigned(SdkHttpRequest request, SigV4AuthScheme scheme) {
    }

    /** The unsigned request, or empty when this bucket or these headers are the SDK's to send. */
    private Optional<Unsigned> request(String bucket, String key, long length, String contentMd5, String contentType,
            Map<String, String> metadata, UploadOptions options) {
        return request(bucket, key, b -> {
            b.putHeader("Content-Type", contentType)
                    .putHeader("Content-Length", Long.toString(length))
                    .putHeader(Md5GuardedSigner.CONTENT_MD5, contentMd5);
            metadata.forEach((name, value) -> b.putHeader("x-amz-meta-" + name, value));
            options(b, options);
        });
    }

    /** The unsigned CopyObject that copies as it is (metadata, tags) the source version whose ETag is given. */
    private Optional<Unsigned> copyRequest(String sourceBucket, String sourceKey, String sourceEtag, String bucket,
            String key, UploadOptions options) {
        return request(bucket, key, b -> {
            b.putHeader("x-amz-copy-source", SdkHttpUtils.urlEncodeIgnoreSlashes(sourceBucket + "/" + sourceKey))
                    .putHeader("x-amz-copy-source-if-match", ServerSideCopier.quoted(sourceEtag));
            options(b, options);
        });
    }

    private static void options(SdkHttpRequest.Builder b, UploadOptions options) {
        options.storageClass().ifPresent(v -> b.putHeader("x-amz-storage-class", v));
        options.serverSideEncryption().ifPresent(v -> b.putHeader("x-amz-server-side-encryption", v));
        options.kmsKeyId().ifPresent(v -> b.putHeader("x-amz-server-side-encryption-aws-kms-key-id", v));
    }

    private Optional<Unsigned> request(String bucket, String key,
            java.util.function.Consumer<SdkHttpRequest.Builder> headers) {
        Optional<Endpoint> endpoint = endpoints.dataPlane(bucket);
        Optional<SigV4AuthScheme> scheme = endpoint.flatMap(DirectPut::sigV4);
        if (scheme.isEmpty() || !endpoint.get().headers().isEmpty()) {
            return Optional.empty();
        }
        URI base = endpoint.get().url();
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        SdkHttpRequest.Builder b = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .protocol(base.getScheme())
                .host(base.getHost())
                .port(base.getPort() < 0 ? null : base.getPort())
                .encodedPath(SdkHttpUtils.appendUri(path, "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key)));
        headers.accept(b);
        SdkHttpRequest request = b.build();
        boolean ascii = request.headers().values().stream().flatMap(List::stream)
                .allMatch(v -> v.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
        return ascii ? Optional.of(new Unsigned(request, scheme.get())) : Optional.empty();
    }

    private SdkHttpRequest sign(Unsigned unsigned, byte[] content) {
        SigV4AuthScheme scheme = unsigned.scheme();
        AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
        SignRequest<AwsCredentialsIdentity> signRequest = SignRequest.builder(identity)
                .request(unsigned.request())
                // no body (a copy): none to sign, as the SDK signs it (UNSIGNED-PAYLOAD)
                .payload(content.length == 0 ? null : ContentStreamProvider.fromByteArrayUnsafe(content))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, scheme.signingName())
                .putProperty(AwsV4HttpSigner.REGION_NAME, scheme.signingRegion())
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, !Boolean.TRUE.equals(scheme.disableDoubleEncoding()))
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(AwsV4FamilyHttpSigner.CHUNK_ENCODING_ENABLED, false)
                .build();
        return signer.sign(signRequest).request();
    }

    /** The endpoint's SigV4 scheme when that is the one it asks for first (not SigV4a, not S3 Express). */
    private static Optional<SigV4AuthScheme> sigV4(Endpoint endpoint) {
        List<EndpointAuthScheme> schemes = endpoint.attribute(AwsEndpointAttribute.AUTH_SCHEMES);
        if (schemes == null || schemes.isEmpty() || !(schemes.get(0) instanceof SigV4AuthScheme v4)
                || v4.signingRegion() == null || v4.signingName() == null) {
            return Optional.empty();
        }
        return Optional.of(v4);
    }

    /** The answer's body (a copy's is a few hundred bytes), read and closed; what could be read when reading fails. */
    private static String read(Optional<? extends InputStream> body) {
        if (body.isEmpty()) {
            return "";
        }
        try (InputStream in = body.get()) {
            return new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads and closes the answer's body, so its connection goes back to the pool. */
    private static void drain(Optional<? extends InputStream> body) {
        body.ifPresent(in -> {
            try (in) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the connection is dropped instead of reused; the answer's status is all that counts
            }
        });
    }
}
