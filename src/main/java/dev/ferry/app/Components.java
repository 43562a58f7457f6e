package dev.ferry.app;

import dev.ferry.config.FerryConfig;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreException;
import dev.ferry.transfer.S3ObjectStore;
import dev.ferry.transfer.S3Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.ferry.state.MongoStateStore;
import dev.ferry.state.SqliteStateStore;

/** Builds the concrete parts from the configuration. */
final class Components {
    /** Region used with a custom endpoint when none is configured (S3-compatible servers ignore it). */
    static final String ENDPOINT_DEFAULT_REGION = "us-east-1";

    private Components() {
    }

    static StateStore openStateStore(FerryConfig config) {
        if (config.mongoUrl().isPresent()) {
            try {
                return MongoStateStore.open(config.mongoUrl().get().reveal(), config.mongoUrl().get().database());
            } catch (StateStoreException e) {
                throw new StartupException("MONGO_URL: " + e.getMessage(), e);
            }
        }
        Path file = config.sqliteFile();
        try {
            Files.createDirectories(file.getParent());
            return SqliteStateStore.open(file);
        } catch (IOException | StateStoreException e) {
            throw new StartupException("STATE_DIR: cannot open the state store " + file + ": " + e.getMessage(), e);
        }
    }

    static ObjectStore openObjectStore(FerryConfig config) {
        S3Settings.Builder b = S3Settings.builder()
                .pathStyle(config.pathStyle())
                .multipartThreshold(config.multipartThreshold())
                .partSize(config.multipartPartSize())
                .partConcurrency(config.multipartConcurrency())
                .maxConnections(Math.max(S3Settings.DEFAULT_MAX_CONNECTIONS, config.concurrency() * 4));
        config.endpoint().ifPresent(b::endpoint);
        config.region().or(() -> config.endpoint().map(e -> ENDPOINT_DEFAULT_REGION)).ifPresent(b::region);
        config.timeout().ifPresent(b::attemptTimeout);
        if (config.accessKey().isPresent() && config.secretAccessKey().isPresent()) {
            b.credentials(config.accessKey().get(), config.secretAccessKey().get().reveal());
        }
        return S3ObjectStore.create(b.build());
    }
}
