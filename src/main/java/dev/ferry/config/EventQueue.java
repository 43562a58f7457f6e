package dev.ferry.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The SQS queue a {@link ReplicateJob} follows in event mode (seed 001's {@code sqs: {url, region}}), with
 * its own connection keys falling back to the global ones. {@link #toString()} never shows the secret.
 *
 * @param waitTime          how long a receive long-polls an empty queue ({@code wait_time}, 0 to 20 s)
 * @param visibilityTimeout how long a received message stays invisible to other consumers
 *                          ({@code visibility_timeout}, 1 s to 12 h), extended while its copy runs
 */
public record EventQueue(URI url, Optional<String> region, Optional<URI> endpoint, Optional<String> accessKey,
        Optional<Secret> secretAccessKey, Duration waitTime, Duration visibilityTimeout) {

    public EventQueue {
        Objects.requireNonNull(waitTime, "waitTime");
        Objects.requireNonNull(visibilityTimeout, "visibilityTimeout");
    }

    @Override
    public String toString() {
        return "EventQueue[" + url + region.map(r -> ", " + r).orElse("")
                + accessKey.map(k -> ", key " + k + ", secret " + Secret.MASK).orElse("") + "]";
    }
}
