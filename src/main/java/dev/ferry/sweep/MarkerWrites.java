package dev.ferry.sweep;

import dev.ferry.core.FailureKind;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.TransferException;
import dev.ferry.filter.PrefixRouter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The marker writes of one reconciliation: a folder's marker object (and its local copy where the site keeps
 * one). A marker that cannot be written does not stop the run (the files were handed over already): it is said
 * once per run, and the next full sweep writes it, finding it still missing. When S3 cannot be reached, no other
 * marker of this run is tried.
 */
final class MarkerWrites {
    /** The reconciliation's logger: its marker lines are said as they always were. */
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final PrefixRouter router;
    private final ObjectStore store;
    private final Reconciler.Policy policy;
    private final Clock clock;
    /** Makes sure a bucket exists before a marker is written to it again; null: not tried. */
    private final Consumer<String> bucketCreation;
    private long failed;
    private boolean s3Away;

    MarkerWrites(PrefixRouter router, ObjectStore store, Reconciler.Policy policy, Clock clock,
            Consumer<String> bucketCreation) {
        this.router = router;
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.bucketCreation = bucketCreation;
    }

    /** The markers of this run that could not be written. */
    long failed() {
        return failed;
    }

    /** Writes the marker of {@code folder} ("" for the site's folder, else ending in "/"). */
    void write(String folder) {
        String name = policy.markerFile().orElseThrow();
        String body = "Synced at: " + clock.instant() + "\n";
        String key = router.prefix() + folder + name;
        if (s3Away) {
            failed++;
            return;
        }
        try {
            put(key, body);
        } catch (TransferException e) {
            failed++;
            s3Away = e.kind() == FailureKind.UNREACHABLE;
            if (failed == 1) {
                log.warn("s3://{}/{}: marker not written ({}); the next full sweep writes it{}", router.bucket(), key,
                        e.getMessage(), s3Away ? "; no other marker is tried in this sweep" : "");
            } else {
                log.debug("s3://{}/{}: marker not written either ({})", router.bucket(), key, e.getMessage());
            }
            return;
        }
        if (policy.localMarkers()) {
            try {
                Files.writeString(router.root().resolve(folder).resolve(name), body);
            } catch (IOException e) {
                log.warn("{}: cannot write the local marker: {}", router.root().resolve(folder), e.toString());
            }
        }
        log.info("s3://{}/{}: marker written", router.bucket(), key);
    }

    /** One marker's PUT; where the bucket does not exist yet, once more after the bucket was made sure of. */
    private void put(String key, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String type = "text/plain; charset=utf-8";
        try {
            store.putBytes(router.bucket(), key, bytes, type, policy.markerOptions());
        } catch (TransferException e) {
            if (e.kind() != FailureKind.NO_SUCH_BUCKET || bucketCreation == null) {
                throw e;
            }
            bucketCreation.accept(router.bucket());
            store.putBytes(router.bucket(), key, bytes, type, policy.markerOptions());
        }
    }
}
