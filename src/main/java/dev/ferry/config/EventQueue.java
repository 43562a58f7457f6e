package dev.ferry.config;

import java.net.URI;
import java.util.Optional;

/**
 * The SQS queue a {@link ReplicateJob} follows in event mode (seed 001's {@code sqs: {url, region}}), with
 * its own connection keys falling back to the global ones. {@link #toString()} never shows the secret.
 */
public record EventQueue(URI url, Optional<String> region, Optional<URI> endpoint, Optional<String> accessKey,
        Optional<Secret> secretAccessKey) {

    @Override
    public String toString() {
        return "EventQueue[" + url + region.map(r -> ", " + r).orElse("")
                + accessKey.map(k -> ", key " + k + ", secret " + Secret.MASK).orElse("") + "]";
    }
}
