package dev.ferry.sqs;

import dev.ferry.replicate.EventQueueClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The SQS queue of one {@code replicate:} job through the SDK's synchronous client. The queue URL names the queue;
 * the client's endpoint is the configured {@code endpoint}, else AWS's for the region (taken from the URL's host
 * {@code sqs.REGION.amazonaws.com} when not configured), else, for a URL that is not AWS's (ElasticMQ, a local
 * test server), the URL's own scheme, host and port. The only class that sees the SQS SDK.
 */
public final class SqsEventQueue implements EventQueueClient {
    private static final Pattern AWS_HOST = Pattern.compile("sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");
    /** The region a non-AWS endpoint is signed for when none is configured (any is accepted there). */
    private static final String LOCAL_REGION = "us-east-1";
    /** Longer than the 20 s long poll, so a waiting receive is never cut by the client's own timeout. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(35);

    private final SqsClient sqs;
    private final String url;

    SqsEventQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    /**
     * @param accessKey with {@code secretKey}: static credentials; both empty: the SDK's default chain
     */
    public static SqsEventQueue create(URI url, Optional<String> region, Optional<URI> endpoint,
            Optional<String> accessKey, Optional<String> secretKey) {
        Optional<URI> override = endpointOf(url, endpoint);
        String signingRegion = regionOf(url, region);
        AwsCredentialsProvider credentials = accessKey.isPresent() && secretKey.isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(), secretKey.get()))
                : DefaultCredentialsProvider.builder().build();
        SqsClientBuilder b = SqsClient.builder()
                .httpClientBuilder(Apache5HttpClient.builder().maxConnections(8))
                .region(Region.of(signingRegion))
                .credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(ATTEMPT_TIMEOUT).build());
        override.ifPresent(b::endpointOverride);
        return new SqsEventQueue(b.build(), url.toString());
    }

    /** The endpoint the client is given: the configured one, none for AWS's queues, else the URL's origin. */
    static Optional<URI> endpointOf(URI url, Optional<URI> endpoint) {
        return endpoint.or(() -> aws(url).matches() ? Optional.empty()
                : Optional.of(URI.create(url.getScheme() + "://" + url.getRawAuthority())));
    }

    /** The region signed for: the configured one, else the one an AWS queue URL names, else us-east-1. */
    static String regionOf(URI url, Optional<String> region) {
        Matcher aws = aws(url);
        return region.orElseGet(() -> aws.matches() ? aws.group(1) : LOCAL_REGION);
    }

    private static Matcher aws(URI url) {
        return AWS_HOST.matcher(url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT));
    }

    @Override
    public List<Message> receive(int max, Duration wait, Duration visibility) {
        try {
            ReceiveMessageResponse r = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(max)
                    .waitTimeSeconds((int) wait.toSeconds()).visibilityTimeout((int) visibility.toSeconds()));
            return r.messages().stream().map(m -> new Message(m.messageId(), m.receiptHandle(),
                    m.body() == null ? "" : m.body())).toList();
        } catch (RuntimeException e) {
            throw failure("receive", e);
        }
    }

    @Override
    public Map<String, String> delete(List<Message> messages) {
        if (messages.isEmpty()) {
            return Map.of();
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) { // entry ids are the batch's own: message ids may repeat
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle()).build());
        }
        try {
            Map<String, String> failed = new LinkedHashMap<>();
            for (BatchResultErrorEntry e : sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries)).failed()) {
                failed.put(messages.get(Integer.parseInt(e.id())).id(), e.code() + (e.message() == null ? ""
                        : ": " + e.message()));
            }
            return failed;
        } catch (RuntimeException e) {
            throw failure("delete " + messages.size() + (messages.size() == 1 ? " message" : " messages"), e);
        }
    }

    @Override
    public void extend(Message message, Duration visibility) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receiptHandle())
                    .visibilityTimeout((int) visibility.toSeconds()));
        } catch (RuntimeException e) {
            throw failure("extend visibility of message " + message.id(), e);
        }
    }

    @Override
    public long waiting() {
        try {
            String n = sqs.getQueueAttributes(b -> b.queueUrl(url)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            return Long.parseLong(n);
        } catch (NumberFormatException | NullPointerException e) {
            throw new QueueException(url + ": the queue did not say how many messages wait", e);
        } catch (RuntimeException e) {
            throw failure("read the queue's attributes", e);
        }
    }

    @Override
    public String describe() {
        return url;
    }

    /** The SDK's messages name the service's error code and status, never a credential. */
    private QueueException failure(String what, RuntimeException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                .orElse("");
        return new QueueException(url + ": " + what + " failed: " + why, e);
    }

    @Override
    public void close() {
        sqs.close();
    }
}
