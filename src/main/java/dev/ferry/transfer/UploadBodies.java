package dev.ferry.transfer;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * Request bodies for PutObject and UploadPart, drawing from the bandwidth limiter when there is one, and the
 * attempt timeout that goes with them.
 *
 * <p>A request that waits for bandwidth takes longer than {@code attemptTimeout} allows when many uploads share a
 * small limit, and would then time out on every attempt. So with a limit, a body-carrying attempt may take
 * {@code attemptTimeout} plus the time its body needs at 1/{@value #SHARE_ALLOWANCE} of the limit (up to that
 * many uploads sharing it). A server that stops answering is still noticed by the HTTP client's socket timeout.
 */
final class UploadBodies {
    static final int SHARE_ALLOWANCE = 100;

    private final Optional<BandwidthLimiter> limiter;
    private final Optional<Duration> attemptTimeout;

    UploadBodies(Optional<BandwidthLimiter> limiter, Optional<Duration> attemptTimeout) {
        this.limiter = limiter;
        this.attemptTimeout = attemptTimeout;
    }

    RequestBody of(byte[] content, String contentType) {
        if (limiter.isEmpty()) {
            return RequestBody.fromBytes(content);
        }
        return of(() -> new ByteArrayInputStream(content), content.length, contentType);
    }

    RequestBody of(ContentStreamProvider content, long length, String contentType) {
        if (limiter.isEmpty()) {
            return RequestBody.fromContentProvider(content, length, contentType);
        }
        BandwidthLimiter l = limiter.get();
        ContentStreamProvider throttled = () -> new ThrottledInputStream(content.newStream(), l);
        return RequestBody.fromContentProvider(throttled, length, contentType);
    }

    /** The per-request override for a body of {@code length} bytes; empty = the client's settings. */
    Optional<AwsRequestOverrideConfiguration> override(long length) {
        return attemptTimeoutFor(length).map(t -> AwsRequestOverrideConfiguration.builder()
                .apiCallAttemptTimeout(t).build());
    }

    Optional<Duration> attemptTimeoutFor(long length) {
        if (limiter.isEmpty() || attemptTimeout.isEmpty()) {
            return Optional.empty();
        }
        long rate = limiter.get().bytesPerSecond();
        long seconds = Math.max(1, (long) Math.ceil((double) length * SHARE_ALLOWANCE / rate));
        return Optional.of(attemptTimeout.get().plusSeconds(seconds));
    }
}
