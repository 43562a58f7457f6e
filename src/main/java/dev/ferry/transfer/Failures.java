package dev.ferry.transfer;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UrlCredentials;
import java.io.IOException;
import java.util.Optional;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The one place where failures become {@link TransferException}s with a {@link FailureKind} and a reason
 * like {@code "photos/a.jpg: upload failed: server busy (HTTP 503 SlowDown)"}. The rule of thumb: what is wrong
 * with the service, the network, the credentials or the configuration (and so hits every file alike) is
 * retryable, because an operator can fix it; only what is wrong with this one file or key is PERMANENT.
 * Credentials the store refuses outright (or none found) are CREDENTIALS_REFUSED, so a one-shot run can give
 * up on the site at once; a 403 AccessDenied stays RETRYABLE, since it may be one object's or prefix's policy.
 * Reasons never carry a credential or a stack trace.
 */
final class Failures {
    private static final Set<String> CREDENTIALS_REFUSED = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "InvalidSecurity", "MissingSecurityHeader");
    private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AllAccessDisabled", "AccountProblem",
            "InvalidPayer", "NotSignedUp");
    private static final Set<String> BUSY = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "TooManyRequests", "RequestLimitExceeded", "ServiceUnavailable", "Busy");
    private static final Set<String> TRANSIENT = Set.of("RequestTimeout", "InternalError", "OperationAborted",
            "NoSuchUpload", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed", "PermanentRedirect",
            "TemporaryRedirect", "IllegalLocationConstraintException");
    private static final Set<String> CONTENT_CHANGED = Set.of("BadDigest", "IncompleteBody",
            "XAmzContentSHA256Mismatch");
    private static final int MAX_DETAIL = 200;

    private final List<String> secrets;

    /** @param secrets values that must never appear in a reason (blank ones are ignored) */
    Failures(Collection<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s != null && s.length() >= 4).toList();
    }

    /** Classifies a failure of a call to S3 (or of reading the file while the SDK sent it). */
    TransferException remote(String subject, String what, Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof TransferException te) {
            return te;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof FileChangedException || c instanceof LocalReadException
                    || c instanceof NoSuchFileException || c instanceof AccessDeniedException) {
                return local(subject, (IOException) c);
            }
            if (c instanceof AwsServiceException service) {
                return service(subject, what, service);
            }
            if (c instanceof ApiCallAttemptTimeoutException || c instanceof ApiCallTimeoutException) {
                return make(FailureKind.UNREACHABLE, subject, what + ": timed out: " + detail(c), e);
            }
            if (c instanceof java.util.concurrent.CancellationException) {
                // the asynchronous client cancels a request it gave up on: the timeout (TIMEOUT) ran out first
                return make(FailureKind.UNREACHABLE, subject, what + ": timed out: no answer within the timeout "
                        + "(TIMEOUT, --timeout)", e);
            }
        }
        if (e instanceof InterruptedException || e instanceof AbortedException
                || (e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException))) {
            return make(FailureKind.RETRYABLE, subject, what + ": interrupted", e);
        }
        if (e instanceof IllegalArgumentException) {
            // the SDK validates some input before sending (for example bucket names): it will not pass later either
            return make(FailureKind.PERMANENT, subject, what + ": invalid request: " + detail(e), e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return make(FailureKind.CREDENTIALS_REFUSED, subject,
                    what + ": " + noCredentials(Optional.ofNullable(System.getenv("AWS_PROFILE"))), e);
        }
        if (e instanceof SdkClientException || e instanceof IOException) {
            return make(FailureKind.UNREACHABLE, subject, what + ": network error: " + detail(e), e);
        }
        return make(FailureKind.RETRYABLE, subject, what + ": unexpected " + e.getClass().getSimpleName()
                + ": " + detail(e), e);
    }

    /** Classifies a failure reading the local file. */
    TransferException local(String subject, IOException error) {
        IOException e = error instanceof LocalReadException && error.getCause() instanceof IOException io ? io : error;
        if (e instanceof FileChangedException) {
            return make(FailureKind.RETRYABLE, subject, "changed while uploading: " + detail(e), e);
        }
        if (e instanceof NoSuchFileException) {
            return make(FailureKind.PERMANENT, subject, "file vanished before it could be uploaded", e);
        }
        if (e instanceof java.nio.channels.ClosedByInterruptException
                || e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)) {
            // a shutdown interrupted the worker while it read the file: nothing is wrong with the file
            return make(FailureKind.RETRYABLE, subject, "interrupted while reading the file", e);
        }
        if (e instanceof AccessDeniedException) {
            return make(FailureKind.RETRYABLE, subject, "cannot read file: permission denied", e);
        }
        String why = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : detail(e);
        return make(FailureKind.RETRYABLE, subject, "cannot read file: " + why, e);
    }

    /** Which key the server refused, as far as its error code tells; always starts "credentials refused". */
    static String credentialsRefused(String code) {
        return switch (code) {
            case "SignatureDoesNotMatch" -> "credentials refused: the secret key was refused";
            case "InvalidAccessKeyId" -> "credentials refused: the access key is unknown to the server";
            case "ExpiredToken", "TokenRefreshRequired" -> "credentials refused: the session token has expired";
            case "InvalidToken" -> "credentials refused: the session token was refused";
            default -> "credentials refused, check the access key and secret key";
        };
    }

    TransferException service(String subject, String what, AwsServiceException e) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String http = code == null || code.isBlank() ? "(HTTP " + status + ")" : "(HTTP " + status + " " + code + ")";
        String c = code == null ? "" : code;
        if ("NoSuchBucket".equals(c) || e instanceof NoSuchBucketException) {
            return make(FailureKind.NO_SUCH_BUCKET, subject, what + ": bucket does not exist " + http, e);
        }
        if (status == 412) {
            // only copies send conditions (the source ETag they copy): the source was rewritten meanwhile
            return new SourceChangedException(redact(subject + ": " + what + ": the source object changed during the "
                    + "copy " + http), e);
        }
        if (CREDENTIALS_REFUSED.contains(c)) {
            return make(FailureKind.CREDENTIALS_REFUSED, subject, what + ": " + credentialsRefused(c) + " " + http, e);
        }
        if (TRANSIENT.contains(c) || status == 301 || status == 307 || status == 408) {
            return make(FailureKind.RETRYABLE, subject, what + ": " + transientHint(c) + " " + http, e);
        }
        if (status == 403 || ACCESS_DENIED.contains(c)) {
            return new TransferException(FailureKind.RETRYABLE, redact(subject + ": " + what + ": access denied, "
                    + "check the credentials and the bucket policy " + http), e, true);
        }
        if (CONTENT_CHANGED.contains(c)) {
            return make(FailureKind.RETRYABLE, subject, what + ": content changed while uploading " + http, e);
        }
        if (status == 429 || status == 503 || BUSY.contains(c)) {
            return make(FailureKind.UNREACHABLE, subject, what + ": server busy " + http, e);
        }
        if (status == 502 || status == 504) {
            return make(FailureKind.UNREACHABLE, subject, what + ": server unreachable behind a gateway " + http, e);
        }
        if (status == 501 || "NotImplemented".equals(c)) {
            // a header this server does not implement: every request with it fails alike, until the setting changes
            return make(FailureKind.RETRYABLE, subject, what + ": the server does not implement this request " + http
                    + "; a setting it may not support, such as sse, storage_class or sdk_checksums, needs changing", e);
        }
        if (status >= 500 || status < 400) {
            return make(FailureKind.RETRYABLE, subject, what + ": server error " + http, e);
        }
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        String detail = message == null || message.isBlank() ? "rejected" : "rejected: " + clip(message);
        return make(FailureKind.PERMANENT, subject, what + ": " + detail + " " + http, e);
    }

    private static String transientHint(String code) {
        return switch (code) {
            case "RequestTimeTooSkewed" -> "clock skew, fix this machine's clock";
            case "AuthorizationHeaderMalformed", "PermanentRedirect", "TemporaryRedirect",
                    "IllegalLocationConstraintException" -> "wrong region or endpoint for this bucket";
            case "NoSuchUpload" -> "multipart upload vanished";
            case "RequestTimeout" -> "request timed out";
            default -> "server error";
        };
    }

    /** Unwraps the wrappers that executors add, so the real failure is classified. */
    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private TransferException make(FailureKind kind, String subject, String reason, Throwable cause) {
        return new TransferException(kind, redact(subject + ": " + reason), cause);
    }

    private static String detail(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null && cause != e ? detail(cause) : e.getClass().getSimpleName();
        }
        return clip(message);
    }

    private static String clip(String message) {
        String oneLine = message.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
    }

    String redact(String text) {
        String result = UrlCredentials.mask(text);
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        return result;
    }

    /**
     * Why no credentials were found, naming the profile asked for when there is one (a name that is in neither
     * ~/.aws/credentials nor ~/.aws/config reads to the SDK as no credentials at all).
     */
    static String noCredentials(Optional<String> profile) {
        return "no credentials found: " + profile.filter(p -> !p.isBlank())
                .map(p -> "AWS_PROFILE is '" + p + "', and that profile gives none (check ~/.aws/credentials and "
                        + "~/.aws/config), or set ")
                .orElse("set ") + "the access key and secret key, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a "
                + "profile or an instance role";
    }
}
