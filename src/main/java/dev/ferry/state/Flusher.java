package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The one thread that writes a {@link WriteBuffer} to its store: batch after batch while the store answers,
 * backoff while it does not, a ping when there is nothing to write but the store was unreachable.
 */
final class Flusher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Flusher.class);

    private final StateStore store;
    private final WriteBuffer buffer;

    Flusher(StateStore store, WriteBuffer buffer) {
        this.store = store;
        this.buffer = buffer;
    }

    @Override
    public void run() {
        try {
            List<PendingWrites.Taken> batch;
            while ((batch = buffer.awaitBatch()) != null) {
                boolean ok = batch.isEmpty() ? probe() : write(batch);
                if (!ok) {
                    buffer.awaitBackoff();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("{}: state writer stopped by an unexpected error", buffer.describeStore(), e);
            throw e;
        }
    }

    /**
     * Writes the batch; false when the store is unreachable (the records stay pending). When the store
     * answers pings but refuses the batch, halves it until the refused records are found and given up.
     */
    private boolean write(List<PendingWrites.Taken> batch) {
        try {
            store.putAll(records(batch));
        } catch (RuntimeException e) {
            if (!answers()) {
                buffer.unreachable(e, true);
                return false;
            }
            if (batch.size() > 1) {
                int half = batch.size() / 2;
                return write(batch.subList(0, half)) && write(batch.subList(half, batch.size()));
            }
            return retryOrReject(batch.get(0), e);
        }
        buffer.written(batch);
        return true;
    }

    /** One record failed while the store answers pings: try it once more, then give it up. */
    private boolean retryOrReject(PendingWrites.Taken taken, RuntimeException first) {
        try {
            store.putAll(List.of(taken.record()));
            buffer.written(List.of(taken));
            return true;
        } catch (RuntimeException e) {
            if (!answers()) {
                buffer.unreachable(e, true);
                return false;
            }
        }
        buffer.rejected(taken, first);
        return true;
    }

    /** Nothing to write: does the store answer? */
    private boolean probe() {
        try {
            store.ping();
        } catch (RuntimeException e) {
            buffer.unreachable(e, false);
            return false;
        }
        buffer.answered();
        return true;
    }

    private boolean answers() {
        try {
            store.ping();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static List<FileRecord> records(List<PendingWrites.Taken> batch) {
        List<FileRecord> records = new ArrayList<>(batch.size());
        for (PendingWrites.Taken t : batch) {
            records.add(t.record());
        }
        return records;
    }
}
