package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.StateStore;
import dev.ferry.core.StateStoreRefusesWritesException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The one thread that writes a {@link WriteBuffer} to its store: batch after batch while the store answers,
 * backoff while it does not, a check ({@link StateStore#checkWritable}) when there is nothing to write: at
 * start, while the store is unreachable or refuses writes, and every {@link WriteBuffer#IDLE_CHECK} idle.
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

    /** What one attempt at a batch found out while splitting it. */
    private static final class Attempt {
        int written;
        final List<Refusal> refused = new ArrayList<>();
    }

    private record Refusal(PendingWrites.Taken taken, RuntimeException cause) {
    }

    /**
     * Writes the batch; false when the store is unreachable or refuses every write (the records stay
     * pending). When a write fails while the store answers pings, the batch is halved until the failing
     * records are found: they are given up only if other records of the batch were written meanwhile
     * (evidence that the store takes writes and refuses just these); otherwise the store is refusing writes
     * (disk full, read-only, not authorized) and everything is kept for the next attempt.
     */
    private boolean write(List<PendingWrites.Taken> batch) {
        Attempt attempt = new Attempt();
        boolean ok = write(batch, attempt);
        if (attempt.written > 0) {
            // the store took others: these may be its bad records, or it may have started taking writes while the
            // batch was split (a read-only store made writable): one more try each tells
            for (Refusal r : attempt.refused) {
                ok &= retryOrReject(r);
            }
        } else if (!attempt.refused.isEmpty()) {
            if (ok) {
                buffer.refusesWrites(attempt.refused.get(0).cause());
                ok = false;
            }
            // Next time start with other records: if the store takes them, these are the bad ones.
            buffer.toBack(attempt.refused.stream().map(Refusal::taken).toList());
        }
        return ok;
    }

    /**
     * Writes one record the store refused while it took others; gives it up if refused again, unless the store now
     * refuses every write (false: the record waits with the others, and the writer backs off).
     */
    private boolean retryOrReject(Refusal r) {
        try {
            store.putAll(List.of(r.taken().record()));
            buffer.written(List.of(r.taken()));
        } catch (StateStoreRefusesWritesException again) {
            buffer.refusesWrites(again); // the store's state, not the record's
            buffer.toBack(List.of(r.taken()));
            return false;
        } catch (RuntimeException again) {
            buffer.rejected(r.taken(), again);
        }
        return true;
    }

    private boolean write(List<PendingWrites.Taken> batch, Attempt attempt) {
        RuntimeException failure;
        try {
            store.putAll(records(batch));
            buffer.written(batch);
            attempt.written += batch.size();
            return true;
        } catch (RuntimeException e) {
            failure = e;
        }
        if (!answers()) {
            buffer.unreachable(failure, true);
            return false;
        }
        if (failure instanceof StateStoreRefusesWritesException) {
            // a lock held elsewhere, a full disk, a read-only file: the store's state, not these records'. No record
            // is singled out (one refused as the disk fills, or just before the lock ends, would be dropped once
            // others go through); all wait for it
            buffer.refusesWrites(failure);
            return false;
        }
        if (batch.size() > 1) {
            int half = batch.size() / 2;
            return write(batch.subList(0, half), attempt) && write(batch.subList(half, batch.size()), attempt);
        }
        attempt.refused.add(new Refusal(batch.get(0), failure));
        if (attempt.written == 0 && attempt.refused.size() >= 2) {
            buffer.refusesWrites(failure); // two failures and no success: the store, not the records
            return false;
        }
        return true;
    }

    /** Nothing to write: does the store answer, and would it take writes? */
    private boolean probe() {
        try {
            store.checkWritable();
        } catch (RuntimeException e) {
            if (answers()) {
                buffer.checkRefused(e);
            } else {
                buffer.unreachable(e, false);
            }
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
