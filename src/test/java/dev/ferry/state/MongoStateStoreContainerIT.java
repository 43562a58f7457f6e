package dev.ferry.state;

import dev.ferry.core.StateStore;
import dev.ferry.testing.TestIds;
import org.testcontainers.containers.MongoDBContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import java.util.concurrent.atomic.AtomicInteger;

/** The contract against a real MongoDB in Docker; skipped where there is no Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class MongoStateStoreContainerIT extends StateStoreContract {

    @Container
    private static final MongoDBContainer MONGO = new MongoDBContainer(DockerImageName.parse("mongo:7.0"));

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    protected StateStore openStore() {
        return MongoStateStore.open(MONGO.getConnectionString() + "/ferry_" + DATABASES.incrementAndGet(), "unused",
                TestIds.INSTANCE, java.util.List.of());
    }
}
