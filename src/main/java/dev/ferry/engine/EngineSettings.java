package dev.ferry.engine;

import dev.ferry.core.SettleRule;
import java.time.Duration;

/**
 * @param concurrency     uploads in parallel per bucket
 * @param queueCapacity   files waiting per bucket before changes are dropped for a later sweep
 * @param settleTime      quiet time before a file is uploaded
 * @param createBuckets   create a missing bucket instead of failing its files
 * @param durableWait     how long a worker waits for the "uploading" mark to be durable before it uploads
 *                        anyway (bounds the delay when the state store is down)
 * @param maxAttempts     give a file up after this many failed attempts (one-shot sync); empty: retry forever
 *                        (the daemon)
 */
public record EngineSettings(int concurrency, int queueCapacity, Duration settleTime, boolean createBuckets,
        Duration durableWait, java.util.Optional<Integer> maxAttempts) {

    /** The daemon's settings: retry forever. */
    /** The settle rule of {@link #settleTime}: the one both the sweeps' queueing and the workers follow. */
    public SettleRule settleRule() {
        return new SettleRule(settleTime);
    }

    public static EngineSettings daemon(int concurrency, int queueCapacity, Duration settleTime, boolean createBuckets) {
        return new EngineSettings(concurrency, queueCapacity, settleTime, createBuckets, Duration.ofSeconds(5),
                java.util.Optional.empty());
    }
}
