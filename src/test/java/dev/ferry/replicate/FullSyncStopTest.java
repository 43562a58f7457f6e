package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import dev.ferry.testing.MemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A full sync stopped while a copy is under way returns only once that copy has ended: the copy gives up its
 * multipart upload as it ends, and the daemon closes the clients it uses once the sync has returned. The copy cut
 * so is no failure: the next full sync makes it.
 */
class FullSyncStopTest {
    final MemoryObjectStore store = new MemoryObjectStore().createBucket("src").createBucket("dst");
    final List<String> events = new CopyOnWriteArrayList<>();
    final CountDownLatch copying = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final CountDownLatch abortMayEnd = new CountDownLatch(1);

    @Test
    void aStoppedSyncWaitsForTheCopyItInterruptedToGiveUpItsUpload() throws Exception {
        store.putBytes("src", "srcfolder/big.bin", "x".getBytes(StandardCharsets.UTF_8), "application/octet-stream",
                UploadOptions.NONE);
        MemoryJob job = new MemoryJob(store, request -> {
            copying.countDown();
            try {
                new CountDownLatch(1).await(); // a long stream, until the stop interrupts it
            } catch (InterruptedException e) {
                interrupted.countDown();
                try {
                    // the abort of the multipart upload, which takes its time
                    abortMayEnd.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                }
                events.add("aborted");
            }
            throw new TransferException(FailureKind.RETRYABLE, "copy interrupted");
        }, false, false);
        FullSync sync = job.sync;
        JobStats stats = job.stats;
        Thread runner = new Thread(() -> {
            try {
                sync.run();
            } catch (InterruptedException e) {
                // stopped, as asked
            }
            events.add("returned");
        });
        runner.start();
        assertThat(copying.await(10, TimeUnit.SECONDS)).isTrue();

        runner.interrupt();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the copy under way is interrupted").isTrue();
        runner.join(200);
        assertThat(runner.isAlive()).as("still waiting for the copy's abort").isTrue();
        abortMayEnd.countDown();
        runner.join(10_000);
        assertThat(runner.isAlive()).isFalse();
        assertThat(events).containsExactly("aborted", "returned");
        assertThat(stats.snapshot().failed()).as("a copy cut by the stop is no failure").isZero();
        assertThat(stats.snapshot().lastError()).isEmpty();
    }
}
