package dev.ferry.engine;

import dev.ferry.core.DeleteFailure;
import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.PutRequest;
import dev.ferry.core.PutResult;
import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A store whose puts and probes fail as unreachable while {@code down}. Each site has one bucket, named like the site. */
final class FlakyStore implements ObjectStore {
    private final String endpoint;
    volatile boolean down;
    final AtomicInteger attempts = new AtomicInteger();
    final Set<String> stored = ConcurrentHashMap.newKeySet();

    FlakyStore(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public PutResult put(PutRequest request) {
        attempts.incrementAndGet();
        if (down) {
            throw new TransferException(FailureKind.UNREACHABLE, request.key() + ": upload failed: network error");
        }
        stored.add(request.key());
        return new PutResult("etag", "md5", request.size(), false);
    }

    @Override
    public Optional<RemoteObject> head(String bucket, String key) {
        if (down) {
            throw new TransferException(FailureKind.UNREACHABLE, endpoint + ": network error");
        }
        return Optional.empty();
    }

    @Override
    public PutResult putBytes(String bucket, String key, byte[] content, String contentType, UploadOptions options) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Stream<RemoteEntry> list(String bucket, String prefix) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<DeleteFailure> delete(String bucket, Collection<String> keys) {
        return new ArrayList<>();
    }

    @Override
    public void ensureBucket(String bucket, boolean create) {
    }

    @Override
    public void close() {
    }
}
