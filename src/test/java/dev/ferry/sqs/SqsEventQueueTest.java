package dev.ferry.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which endpoint and region a queue URL gets (the SQS calls themselves are tested against ElasticMQ). */
class SqsEventQueueTest {

    @Test
    void anAwsQueueUrlNeedsNoEndpointAndNamesItsRegion() {
        URI url = URI.create("https://sqs.us-west-2.amazonaws.com/123456789012/queue");
        assertThat(SqsEventQueue.endpointOf(url, Optional.empty())).isEmpty();
        assertThat(SqsEventQueue.regionOf(url, Optional.empty())).isEqualTo("us-west-2");
        assertThat(SqsEventQueue.regionOf(URI.create("https://sqs.cn-north-1.amazonaws.com.cn/1/q"), Optional.empty()))
                .isEqualTo("cn-north-1");
        assertThat(SqsEventQueue.regionOf(url, Optional.of("eu-west-1"))).isEqualTo("eu-west-1");
    }

    @Test
    void anotherServersQueueUrlIsItsOwnEndpointUnlessOneIsConfigured() {
        URI url = URI.create("http://127.0.0.1:9324/000000000000/events");
        assertThat(SqsEventQueue.endpointOf(url, Optional.empty())).hasValue(URI.create("http://127.0.0.1:9324"));
        assertThat(SqsEventQueue.regionOf(url, Optional.empty())).isEqualTo("us-east-1");
        assertThat(SqsEventQueue.endpointOf(url, Optional.of(URI.create("http://mq:9324"))))
                .hasValue(URI.create("http://mq:9324"));
    }
}
