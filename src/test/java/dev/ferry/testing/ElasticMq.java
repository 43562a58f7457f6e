package dev.ferry.testing;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A real SQS server for tests: ElasticMQ in this JVM on a free port of 127.0.0.1, with a client of it. ElasticMQ
 * takes any credentials and reads a queue's name from the path of its URL.
 */
public final class ElasticMq implements AutoCloseable {
    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private ElasticMq(org.elasticmq.rest.sqs.TheSQSRestServerBuilder builder) {
        server = builder.withInterface("127.0.0.1").start();
        endpoint = URI.create("http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
        client = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
    }

    public static ElasticMq start() {
        return new ElasticMq(SQSRestServerBuilder.withDynamicPort());
    }

    /** On a given port: a server that comes (back) where a client was told to look. */
    public static ElasticMq onPort(int port) {
        return new ElasticMq(SQSRestServerBuilder.withPort(port));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The URL of queue {@code name} (made or not). */
    public URI queueUrl(String name) {
        return URI.create(endpoint + "/000000000000/" + name);
    }

    public SqsClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.stopAndWait();
    }
}
