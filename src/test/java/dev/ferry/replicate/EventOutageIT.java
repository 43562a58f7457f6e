package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.config.BucketLocation;
import dev.ferry.config.ReplicaDestination;
import dev.ferry.queue.Backoff;
import dev.ferry.sqs.SqsEventQueue;
import dev.ferry.testing.InMemoryRecords;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ElasticMq;
import dev.ferry.testing.S3ProxyServer;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.StreamingCopier;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Event mode while its destination is away: ElasticMQ in-process (2 s visibility timeout, a dead-letter queue after
 * 2 receives) and two S3Proxy processes, two accounts, the destination's stopped while events arrive for longer than
 * the redrive policy would allow a message that keeps being received (8 s against 2 x 2 s), then started again.
 * Every message is held, no new one received, until the destination answers: nothing reaches the dead-letter queue.
 */
class EventOutageIT {
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Duration OUTAGE = Duration.ofSeconds(8);
    private static final int N = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    static S3ProxyServer one;
    static S3ProxyServer two;
    static ElasticMq elastic;
    static SqsClient sqs;
    static URI sqsEndpoint;

    @BeforeAll
    static void servers() {
        one = S3ProxyServer.start();
        two = S3ProxyServer.start(Map.of("s3proxy.identity", "second-account", "s3proxy.credential",
                "second-account-credential-not-a-secret"));
        elastic = ElasticMq.start();
        sqsEndpoint = elastic.endpoint();
        sqs = elastic.client();
    }

    @AfterAll
    static void stopServers() {
        if (elastic != null) {
            elastic.close();
        }
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
    }

    private static URI urlOf(String name) {
        return URI.create(sqsEndpoint + "/000000000000/" + name);
    }

    private static int onQueue(URI q) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(q.toString()).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static String key(int i) {
        return "burst/key " + i + " + \u00fc.txt";
    }

    /** A notification as S3 sends it: the key form-encoded. */
    private static String event(String bucket, String key, String sequencer) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode r = root.putArray("Records").addObject();
        r.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("eventName", "ObjectCreated:Put");
        ObjectNode s = r.putObject("s3");
        s.putObject("bucket").put("name", bucket);
        s.putObject("object").put("key", URLEncoder.encode(key, StandardCharsets.UTF_8)).put("size", 5)
                .put("sequencer", sequencer);
        return root.toString();
    }

    private static BucketLocation location(S3ProxyServer s, String bucket, String prefix) {
        return new BucketLocation(bucket, prefix, Optional.of(s.region()), Optional.of(s.endpoint()), true,
                Optional.of(s.accessKey()), Optional.of(new dev.ferry.config.Secret(s.secretKey())));
    }

    @Test
    void messagesWaitInThisProcessWhileTheDestinationIsAwayAndNoneReachesTheDeadLetterQueue() throws Exception {
        one.createBucket("src");
        two.createBucket("far");
        sqs.createQueue(b -> b.queueName("outage-dlq"));
        URI dlq = urlOf("outage-dlq");
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq.toString())
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.createQueue(b -> b.queueName("outage").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}")));
        URI queue = urlOf("outage");
        for (int i = 0; i < N; i++) {
            String k = key(i);
            one.client().putObject(b -> b.bucket("src").key("srcfolder/" + k), RequestBody.fromString("v" + i));
        }
        JobStats stats = new JobStats("s3://src/srcfolder/");
        try (S3ObjectStore oneStore = S3ObjectStore.create(BucketSourceIT.settings(one));
                S3ObjectStore twoStore = S3ObjectStore.create(BucketSourceIT.settings(two));
                StreamingCopier copier = StreamingCopier.create(BucketSourceIT.settings(one),
                        BucketSourceIT.settings(two));
                SqsEventQueue client = SqsEventQueue.create(queue, Optional.empty(), Optional.empty(),
                        Optional.of("x"), Optional.of("x"));
                LogCapture logs = LogCapture.of(Outages.class.getName())) {
            Replica far = new Replica(new ReplicaDestination(location(two, "far", "destfolder/"), Optional.empty(),
                    Optional.empty(), Optional.empty()), twoStore, copier::copy, false);
            BucketSource source = new BucketSource("src", "srcfolder/", Optional.of(one.endpoint()), oneStore,
                    oneStore::openRange);
            try (EventFollower follower = new EventFollower("photos", client, source, List.of(far), false, 100,
                    Optional.of(new InMemoryRecords()), 4, Clock.systemUTC(), stats,
                    Backoff.withoutJitter(Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofSeconds(1),
                    Duration.ofSeconds(2), EventFollower.heartbeatFor(Duration.ofSeconds(2)))) {
                follower.start();
                two.stop();
                for (int i = 0; i < N; i++) {
                    String body = event("src", "srcfolder/" + key(i), String.format("%018X", i + 1));
                    sqs.sendMessage(b -> b.queueUrl(queue.toString()).messageBody(body));
                }

                await("the destination shown unreachable").atMost(DEADLINE).pollInterval(Duration.ofMillis(50))
                        .until(() -> stats.snapshot().unreachable().isPresent());
                assertThat(stats.snapshot().unreachable().orElseThrow().endpoint())
                        .isEqualTo("destination s3://far/destfolder/");
                // longer than 2 receives of 2 s visibility: without holding, the messages would be moved by now
                await("the outage").during(OUTAGE).atMost(OUTAGE.plusSeconds(5)).pollInterval(Duration.ofMillis(250))
                        .until(() -> onQueue(dlq) == 0 && onQueue(queue) == N);
                two.restart();

                await("every copy").atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                        .until(() -> two.listKeys("far").size() == N && onQueue(queue) == 0
                                && stats.snapshot().events().orElseThrow().acknowledged() == N);
            }
            assertThat(two.listKeys("far")).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, N).mapToObj(i -> "destfolder/" + key(i)).toList());
            assertThat(two.readObject("far", "destfolder/" + key(3))).hasValue("v3");
            assertThat(onQueue(dlq)).isZero();
            var status = stats.snapshot();
            // each message received once or, at most, once more: far from its maxReceiveCount
            assertThat(status.events().orElseThrow().messages()).isLessThan(2L * N);
            assertThat(status.events().orElseThrow().acknowledged()).isEqualTo(N);
            assertThat(status.unreachable()).isEmpty();
            assertThat(status.lastError()).as("the failures' objects all arrived").isEmpty();
            assertThat(status.failed()).isLessThanOrEqualTo(2L * N);
            assertThat(logs.lines().stream().filter(l -> l.startsWith("WARN"))).singleElement().asString()
                    .contains("events wait: destination s3://far/destfolder/ unreachable", "held");
            assertThat(logs.lines().stream().filter(l -> l.startsWith("INFO"))).singleElement().asString()
                    .contains("destination s3://far/destfolder/ answers again");
        }
    }
}
