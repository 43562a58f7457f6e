package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.UploadOptions;
import dev.ferry.source.local.LocalFileContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * A direct PUT sends the request the SDK sends: same URL, same headers, signed over the same headers for the same
 * scope. The HTTP client here only records what it is asked to send (and answers as S3 would), so this is the request
 * building alone; the IT in {@code S3ObjectStoreIT} sends both to a real server. An SDK upgrade that changes its
 * request fails this test.
 */
class DirectPutTest {
    /** Headers that differ between two requests by design: the time, the signature over it, the SDK's own. */
    private static final List<String> PER_REQUEST = List.of("x-amz-date", "authorization", "user-agent",
            "amz-sdk-invocation-id", "amz-sdk-request");
    private static final Pattern SCOPE = Pattern.compile("Credential=([^/]+)/\\d{8}/([^,]+), SignedHeaders=([^,]+),");

    @TempDir
    Path dir;

    static Stream<Arguments> stores() {
        List<Arguments> stores = new ArrayList<>();
        List<String> keys = List.of("photos/2026/a b+c%d&e=f.jpg", "ünï/çødé/名前.txt", "dir//twice/./x..y",
                "~tilde/(paren)/[b]/{c}/*!$'@,;:", "?q#frag");
        for (String key : keys) {
            stores.add(Arguments.of("path style, own endpoint", settings("http://127.0.0.1:9000", "us-east-1", true),
                    "bucket-a", key));
            stores.add(Arguments.of("virtual host, own https endpoint",
                    settings("https://s3.example.net", "eu-west-3", false), "bucket-b", key));
            stores.add(Arguments.of("AWS, virtual host", settings(null, "us-west-2", false), "bucket-c", key));
            stores.add(Arguments.of("AWS China", settings(null, "cn-north-1", false), "bucket-d", key));
            stores.add(Arguments.of("AWS, dotted bucket", settings(null, "eu-central-1", false), "my.dotted.bucket",
                    key));
            stores.add(Arguments.of("AWS, path style", settings(null, "ap-southeast-2", true), "bucket-e", key));
        }
        return stores.stream();
    }

    private static S3Settings settings(String endpoint, String region, boolean pathStyle) {
        S3Settings.Builder b = S3Settings.builder().region(region).pathStyle(pathStyle)
                .credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG");
        if (endpoint != null) {
            b.endpoint(URI.create(endpoint));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}: {2}/{3}")
    @MethodSource("stores")
    void sendsTheRequestTheSdkSends(String name, S3Settings settings, String bucket, String key) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "hello, " + key);
        UploadOptions options = new UploadOptions(Optional.of("STANDARD_IA"), Optional.of("aws:kms"),
                Optional.of("arn:aws:kms:us-west-2:111122223333:key/1234abcd"));
        Map<String, String> metadata = Map.of(S3ObjectStore.META_MTIME, "1764396000.5");
        Recorder http = new Recorder(() -> 200);

        try (S3Clients.Connection connection = S3Clients.connect(settings, http)) {
            assertThat(connection.direct()).isPresent();
            Failures failures = new Failures(List.of());
            UploadBodies bodies = new UploadBodies(Optional.empty(), Optional.empty());
            PutRequest put = new PutRequest(bucket, key, new LocalFileContent(file), Files.size(file), 0, options);
            // the store's first request to a bucket is mostly a HEAD (ensureBucket, a probe): its endpoint serves
            connection.s3().headBucket(b -> b.bucket(bucket));
            PutResult direct = new SinglePartUploader(connection.s3(), connection.direct(), failures, bodies)
                    .upload("s", put, Files.size(file), "image/jpeg", metadata, options);
            PutResult bySdk = new SinglePartUploader(connection.s3(), Optional.empty(), failures, bodies)
                    .upload("s", put, Files.size(file), "image/jpeg", metadata, options);

            assertThat(http.sent).hasSize(3);
            assertThat(http.sent.get(1).headers()).as("the direct PUT's headers")
                    .doesNotContainKey("amz-sdk-invocation-id");
            assertSameRequest(http.sent.get(1), http.sent.get(2));
            assertThat(http.bodies).containsExactly(Files.readString(file), Files.readString(file));
            assertThat(direct).isEqualTo(bySdk);
        }
    }

    private static void assertSameRequest(SdkHttpRequest direct, SdkHttpRequest sdk) {
        assertThat(direct.method()).isEqualTo(sdk.method());
        assertThat(direct.getUri()).isEqualTo(sdk.getUri());
        assertThat(direct.encodedPath()).isEqualTo(sdk.encodedPath());
        assertThat(direct.rawQueryParameters()).isEqualTo(sdk.rawQueryParameters());
        assertThat(comparable(direct)).isEqualTo(comparable(sdk));
        assertThat(scope(direct)).isEqualTo(scope(sdk));
    }

    private static Map<String, List<String>> comparable(SdkHttpRequest request) {
        Map<String, List<String>> headers = new TreeMap<>();
        request.forEachHeader((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!PER_REQUEST.contains(lower)) {
                headers.put(lower, values);
            }
        });
        return headers;
    }

    /**
     * The access key, the scope (region and service) and the signed headers of the Authorization header, but for the
     * SDK's own headers (which it signs too).
     */
    private static List<String> scope(SdkHttpRequest request) {
        String authorization = request.firstMatchingHeader("Authorization").orElseThrow();
        Matcher m = SCOPE.matcher(authorization);
        assertThat(m.find()).as(authorization).isTrue();
        String signed = Stream.of(m.group(3).split(";")).filter(h -> !PER_REQUEST.contains(h))
                .collect(java.util.stream.Collectors.joining(";"));
        return List.of(m.group(1), m.group(2), signed);
    }

    /** A copy as it is (a named version, nothing added): the CopyObject the SDK sends. */
    @ParameterizedTest(name = "{0}: {2}/{3}")
    @MethodSource("stores")
    void copiesAsTheSdkCopies(String name, S3Settings settings, String bucket, String key) {
        UploadOptions options = new UploadOptions(Optional.of("GLACIER_IR"), Optional.of("AES256"), Optional.empty());
        CopyRequest copy = new CopyRequest("source-bucket", "from/" + key, bucket, key, Map.of(), options,
                Optional.of(new CopyRequest.Version("0cc175b9c0f1b6a831c399e269772661", 1)));
        Recorder http = new Recorder(() -> 200);
        S3Clients.Connection connection = S3Clients.connect(settings, http);
        try (ServerSideCopier bySdk = new ServerSideCopier(connection.s3(), false, new Failures(List.of()), 100, 5);
                ServerSideCopier direct = ServerSideCopier.over(connection, new Failures(List.of()), 100, 5)) {
            CopyResult sdkCopy = bySdk.copy(copy);
            CopyResult directCopy = direct.copy(copy);

            assertThat(http.sent).hasSize(2);
            assertThat(http.sent.get(1).headers()).as("the direct copy's headers")
                    .doesNotContainKey("amz-sdk-invocation-id");
            assertSameRequest(http.sent.get(1), http.sent.get(0));
            assertThat(directCopy).isEqualTo(sdkCopy);
            assertThat(directCopy.etag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        }
    }

    /** A streamed copy's PUT (the source's headers, metadata and tags): the PutObject the SDK sends. */
    @ParameterizedTest(name = "{0}: {2}/{3}")
    @MethodSource("stores")
    void putsAStreamedCopyAsTheSdkPutsIt(String name, S3Settings settings, String bucket, String key)
            throws IOException {
        byte[] content = ("copied bytes of " + key).getBytes(StandardCharsets.UTF_8);
        software.amazon.awssdk.services.s3.model.PutObjectRequest put =
                software.amazon.awssdk.services.s3.model.PutObjectRequest.builder().bucket(bucket).key(key)
                        .contentType("image/jpeg").cacheControl("max-age=60").contentDisposition("inline")
                        .contentEncoding("identity").contentLanguage("fr-CA")
                        .expires(java.time.Instant.parse("2031-02-03T04:05:06Z"))
                        .metadata(Map.of("owner", "alice", "ferry-source-etag", "0cc175b9c0f1b6a831c399e269772661"))
                        .storageClass("ONEZONE_IA").serverSideEncryption("aws:kms").ssekmsKeyId("alias/ferry")
                        .tagging("team=photo%20desk&year=2026").contentLength((long) content.length)
                        .contentMD5(LocalFiles.base64(LocalFiles.md5(content, content.length))).build();
        Recorder http = new Recorder(() -> 200);

        try (S3Clients.Connection connection = S3Clients.connect(settings, http)) {
            connection.s3().putObject(put, software.amazon.awssdk.core.sync.RequestBody.fromBytes(content));
            Optional<String> etag = connection.direct().orElseThrow().put(put, content);

            assertThat(etag).isPresent();
            assertThat(http.sent).hasSize(2);
            assertThat(http.sent.get(1).headers()).as("the direct PUT's headers")
                    .doesNotContainKey("amz-sdk-invocation-id");
            assertSameRequest(http.sent.get(1), http.sent.get(0));
            String text = new String(content, StandardCharsets.UTF_8);
            assertThat(http.bodies).containsExactly(text, text);
            assertThat(connection.direct().orElseThrow().put(put.toBuilder().websiteRedirectLocation("/elsewhere")
                    .build(), content)).as("a field this path does not send: the SDK's").isEmpty();
            assertThat(http.sent).hasSize(2);
        }
    }

    /** The SDK resolves a bucket's endpoint on its first request; until then a PUT is the SDK's to send. */
    @Test
    void aBucketTheSdkHasNotReachedYetIsLeftToTheSdk() throws IOException {
        Recorder http = new Recorder(() -> 200);
        try (S3Clients.Connection connection = S3Clients.connect(settings("http://127.0.0.1:9000", "us-east-1", true),
                http)) {
            Optional<String> etag = connection.direct().orElseThrow().put("fresh-bucket", "k", new byte[1], "md5",
                    "text/plain", Map.of(), UploadOptions.NONE);

            assertThat(etag).isEmpty();
            assertThat(http.sent).isEmpty();
        }
    }

    /** Whatever is not a plain success is the SDK's: it retries, backs off and reports it as it always has. */
    @Test
    void anAnswerThatIsNotASuccessGoesBackToTheSdk() throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "content");
        int[] statuses = {200, 503, 200};
        int[] next = {0};
        Recorder http = new Recorder(() -> statuses[next[0]++]);
        S3Settings settings = settings("http://127.0.0.1:9000", "us-east-1", true);
        try (S3Clients.Connection connection = S3Clients.connect(settings, http)) {
            SinglePartUploader uploader = new SinglePartUploader(connection.s3(), connection.direct(),
                    new Failures(List.of()), new UploadBodies(Optional.empty(), Optional.empty()));
            PutRequest put = new PutRequest("bucket-a", "k", new LocalFileContent(file), 7, 0);
            uploader.upload("s", put, 7, "text/plain", Map.of(), UploadOptions.NONE);
            int sdkFirst = http.sent.size();

            PutResult result = uploader.upload("s", put, 7, "text/plain", Map.of(), UploadOptions.NONE);

            assertThat(sdkFirst).isEqualTo(1);
            assertThat(http.sent).hasSize(3);
            assertThat(http.sent.get(1).headers()).doesNotContainKey("amz-sdk-invocation-id");
            assertThat(http.sent.get(2).headers()).containsKey("amz-sdk-invocation-id");
            assertThat(result.etag()).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        }
    }

    /** An HTTP client that records each request and its body and answers with the next status (ETag on 200). */
    private static final class Recorder implements SdkHttpClient {
        final List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        private final IntSupplier status;

        Recorder(IntSupplier status) {
            this.status = status;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    sent.add(request.httpRequest());
                    request.contentStreamProvider().ifPresent(body -> {
                        try (var in = body.newStream()) {
                            bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    int code = status.getAsInt();
                    SdkHttpResponse.Builder response = SdkHttpResponse.builder().statusCode(code);
                    String body = "";
                    if (code == 200 && request.httpRequest().firstMatchingHeader("x-amz-copy-source").isPresent()) {
                        body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult><LastModified>"
                                + "2026-12-07T21:00:00.000Z</LastModified><ETag>&quot;d41d8cd98f00b204e9800998ecf8427e"
                                + "&quot;</ETag></CopyObjectResult>";
                        response.putHeader("Content-Type", "application/xml");
                    } else if (code == 200) {
                        response.putHeader("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
                    } else {
                        body = "<Error><Code>SlowDown</Code><Message>busy</Message></Error>";
                        response.putHeader("Content-Type", "application/xml");
                    }
                    response.putHeader("Content-Length", String.valueOf(body.length()));
                    return HttpExecuteResponse.builder().response(response.build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(
                                    body.getBytes(StandardCharsets.UTF_8))))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
