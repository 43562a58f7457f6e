package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class FailuresTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final Failures failures = new Failures(List.of(SECRET));

    private static S3Exception s3(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
                .message(message).build();
    }

    @ParameterizedTest
    @CsvSource({
        "503, SlowDown, UNREACHABLE, server busy (HTTP 503 SlowDown)",
        "500, InternalError, RETRYABLE, (HTTP 500 InternalError)",
        "501, NotImplemented, RETRYABLE, the server does not implement this request (HTTP 501 NotImplemented); a setting",
        "502, , UNREACHABLE, server unreachable behind a gateway (HTTP 502)",
        "429, TooManyRequests, UNREACHABLE, server busy (HTTP 429 TooManyRequests)",
        "400, RequestTimeout, RETRYABLE, request timed out (HTTP 400 RequestTimeout)",
        "403, SignatureDoesNotMatch, CREDENTIALS_REFUSED, credentials refused",
        "403, InvalidAccessKeyId, CREDENTIALS_REFUSED, credentials refused",
        "400, ExpiredToken, CREDENTIALS_REFUSED, credentials refused",
        "403, AccessDenied, RETRYABLE, access denied",
        "403, , RETRYABLE, access denied",
        "404, NoSuchBucket, NO_SUCH_BUCKET, bucket does not exist (HTTP 404 NoSuchBucket)",
        "400, BadDigest, RETRYABLE, content changed while uploading (HTTP 400 BadDigest)",
        "400, KeyTooLongError, PERMANENT, (HTTP 400 KeyTooLongError)",
        "400, InvalidArgument, PERMANENT, (HTTP 400 InvalidArgument)",
        "400, EntityTooLarge, PERMANENT, (HTTP 400 EntityTooLarge)",
        "400, AuthorizationHeaderMalformed, RETRYABLE, wrong region or endpoint",
        "301, PermanentRedirect, RETRYABLE, wrong region or endpoint",
        "403, RequestTimeTooSkewed, RETRYABLE, clock skew"
    })
    void classifiesServiceErrors(int status, String code, FailureKind kind, String expected) {
        TransferException e = failures.remote("photos/a.jpg", "upload failed", s3(status, code, "the message"));

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).startsWith("photos/a.jpg: upload failed: ").contains(expected);
    }

    @Test
    void permanentRejectionsCarryTheServersMessage() {
        TransferException e = failures.remote("b/k", "upload failed", s3(400, "InvalidArgument", "Bad\n header"));

        assertThat(e.getMessage()).isEqualTo("b/k: upload failed: rejected: Bad header (HTTP 400 InvalidArgument)");
    }

    @Test
    void aFailedConditionOfACopyIsASourceThatChanged() {
        TransferException e = failures.remote("s3://src/k -> s3://dst/k", "streaming copy failed",
                s3(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"));

        assertThat(e).isInstanceOf(SourceChangedException.class);
        assertThat(e.kind().retryable()).isTrue();
        assertThat(e.getMessage()).isEqualTo("s3://src/k -> s3://dst/k: streaming copy failed: the source object "
                + "changed during the copy (HTTP 412 PreconditionFailed)");
    }

    @Test
    void aRequestCancelledAtItsTimeoutSaysSo() {
        TransferException e = failures.remote("b/", "cannot list objects",
                new java.util.concurrent.CompletionException(new java.util.concurrent.CancellationException()));

        assertThat(e.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo("b/: cannot list objects: timed out: no answer within the timeout "
                + "(TIMEOUT, --timeout)");
    }

    @Test
    void noSuchBucketExceptionWithoutACode() {
        var e = NoSuchBucketException.builder().statusCode(404).build();

        assertThat(failures.remote("b/k", "upload failed", e).kind()).isEqualTo(FailureKind.NO_SUCH_BUCKET);
    }

    @Test
    void networkErrorsAndTimeoutsAreRetryable() {
        var refused = SdkClientException.create("Unable to execute HTTP request: Connection refused",
                new ConnectException("Connection refused"));
        var timeout = ApiCallAttemptTimeoutException.create(2000);

        TransferException network = failures.remote("b/k", "upload failed", refused);
        TransferException timedOut = failures.remote("b/k", "upload failed", new CompletionException(timeout));

        assertThat(network.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(network.kind().retryable()).isTrue();
        assertThat(network.getMessage()).contains("network error").contains("Connection refused");
        assertThat(timedOut.kind()).isEqualTo(FailureKind.UNREACHABLE);
        assertThat(timedOut.getMessage()).contains("timed out");
    }

    @Test
    void inputTheSdkRejectsBeforeSendingIsPermanent() {
        var e = new IllegalArgumentException("Bucket name should be between 3 and 63 characters long");

        TransferException t = failures.remote("b", "cannot create bucket", e);

        assertThat(t.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(t.getMessage()).isEqualTo(
                "b: cannot create bucket: invalid request: Bucket name should be between 3 and 63 characters long");
    }

    @Test
    void missingCredentialsSaySo() {
        var e = SdkClientException.create("Unable to load credentials from any of the providers in the chain");

        TransferException t = failures.remote("b", "cannot check bucket", e);

        assertThat(t.getMessage()).contains("no credentials found");
        assertThat(t.kind()).isEqualTo(FailureKind.CREDENTIALS_REFUSED);
        assertThat(t.kind().retryable()).isTrue();
    }

    @Test
    void missingCredentialsNameTheProfileAskedFor() {
        assertThat(Failures.noCredentials(java.util.Optional.of("nope")))
                .startsWith("no credentials found: AWS_PROFILE is 'nope', and that profile gives none");
        assertThat(Failures.noCredentials(java.util.Optional.empty()))
                .isEqualTo("no credentials found: set the access key and secret key, or "
                        + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or an instance role");
    }

    @Test
    void localFileProblemsFoundInsideTheSdkChain() {
        var vanished = SdkClientException.create("x", new UncheckedIOException(new NoSuchFileException("/d/f")));
        var changed = SdkClientException.create("x", new FileChangedException("file grew past 10 bytes"));
        var unreadable = SdkClientException.create("x", new LocalReadException(new IOException("Input/output error")));

        assertThat(failures.remote("b/k", "upload failed", vanished).kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(failures.remote("b/k", "upload failed", vanished).getMessage()).contains("file vanished");
        assertThat(failures.remote("b/k", "upload failed", changed).getMessage())
                .isEqualTo("b/k: changed while uploading: file grew past 10 bytes");
        assertThat(failures.remote("b/k", "upload failed", unreadable).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(failures.remote("b/k", "upload failed", unreadable).getMessage())
                .isEqualTo("b/k: cannot read file: Input/output error");
    }

    @Test
    void localReadFailures() {
        assertThat(failures.local("b/k", new NoSuchFileException("/x")).kind()).isEqualTo(FailureKind.PERMANENT);
        TransferException denied = failures.local("b/k", new AccessDeniedException("/x"));
        assertThat(denied.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(denied.getMessage()).isEqualTo("b/k: cannot read file: permission denied");
        TransferException directory = failures.local("b/k", new FileSystemException("/x", null, "Is a directory"));
        assertThat(directory.getMessage()).isEqualTo("b/k: cannot read file: Is a directory");
        // a shutdown that interrupts the worker while it reads is not a problem of the file
        TransferException interrupted = failures.local("b/k",
                new LocalReadException(new java.nio.channels.ClosedByInterruptException()));
        assertThat(interrupted.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(interrupted.getMessage()).isEqualTo("b/k: interrupted while reading the file");
    }

    @Test
    void unwrapsExecutorWrappersAndKeepsClassifiedFailures() {
        var inner = new TransferException(FailureKind.PERMANENT, "b/k: already classified");
        var wrapped = new CompletionException(new ExecutionException(inner));

        assertThat(failures.remote("b/k", "upload failed", wrapped)).isSameAs(inner);
    }

    @Test
    void neverRepeatsTheSecretOrUrlCredentials() {
        var e = SdkClientException.create("failed for http://user:pa55@host:9000/b with key " + SECRET);

        String reason = failures.remote("b/k", "upload failed", e).getMessage();

        assertThat(reason).doesNotContain(SECRET).doesNotContain("pa55").contains("http://user:****@host:9000");
    }

    @Test
    void longMessagesAreClipped() {
        var e = SdkClientException.create("x".repeat(5000));

        assertThat(failures.remote("b/k", "upload failed", e).getMessage()).hasSizeLessThan(300);
    }
}
