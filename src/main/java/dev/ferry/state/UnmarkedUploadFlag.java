package dev.ferry.state;

import dev.ferry.core.UnmarkedUploads;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link UnmarkedUploads} kept as one byte in a small file beside the state store ({@code 1}: uploads went
 * ahead without their records; {@code 0}: every upload is recorded). The file is created and opened at start,
 * while the disk has room, and stays open: raising the flag overwrites a byte already on disk, so it works
 * on a full disk and after the folder or file was made read-only (an open descriptor keeps its access). It
 * does not on a file system remounted read-only: then {@link #raise()} answers false and uploads wait for
 * their marks, slowly but safely.
 *
 * <p>Found raised at start, the flag says the last run ended (crash, or a stop before the store took every
 * record) with uploads it may not have recorded: a file modified before this start whose record does not say
 * it is uploaded is in doubt. The flag is lowered once {@link #lowerIf} finds that settled.
 */
public final class UnmarkedUploadFlag implements UnmarkedUploads, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnmarkedUploadFlag.class);
    private static final byte RAISED = '1';
    private static final byte LOWERED = '0';

    private final Path file;
    private final FileChannel channel; // null when the file could not be opened
    private final long startedAtMillis;
    // Guarded by this.
    private boolean raised;
    private boolean inherited;
    private long raises;
    private boolean warned;

    private UnmarkedUploadFlag(Path file, FileChannel channel, boolean inherited, Instant startedAt) {
        this.file = file;
        this.channel = channel;
        this.raised = inherited;
        this.inherited = inherited;
        this.startedAtMillis = startedAt.toEpochMilli();
    }

    /**
     * Opens (creating it when missing) the flag file; reads what the last run left. Never throws: when the
     * file cannot be used, uploads wait for their marks as if there were no flag.
     */
    public static UnmarkedUploadFlag open(Path file, Instant startedAt) {
        FileChannel channel = null;
        boolean inherited = false;
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            ByteBuffer one = ByteBuffer.allocate(1);
            inherited = channel.read(one, 0) == 1 && one.get(0) == RAISED;
            if (!inherited) {
                write(channel, LOWERED);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot keep the flag of unrecorded uploads ({}): while the state store is down, each"
                    + " upload waits up to 5 s for its record", file, e.toString());
            closeQuietly(channel);
            channel = null;
        }
        if (inherited) {
            log.info("{}: the last run uploaded files it could not record; files modified before this start that"
                    + " have no record of their upload are checked in S3 before they are uploaded", file);
        }
        return new UnmarkedUploadFlag(file, channel, inherited, startedAt);
    }

    @Override
    public synchronized boolean raise() {
        raises++;
        if (raised) {
            return true;
        }
        if (channel == null) {
            return false;
        }
        try {
            write(channel, RAISED);
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                log.warn("{}: cannot raise the flag of unrecorded uploads ({}): uploads wait up to 5 s each for"
                        + " their records", file, e.toString());
            }
            return false;
        }
        raised = true;
        log.info("{}: uploading without waiting for the state store; a crash now makes the next start check"
                + " these files in S3 instead of uploading them again", file);
        return true;
    }

    @Override
    public synchronized boolean inDoubt(long mtimeMillis) {
        return inherited && mtimeMillis < startedAtMillis;
    }

    /** Whether the doubt left by the last run is still open. */
    public synchronized boolean inherited() {
        return inherited;
    }

    /**
     * Lowers the flag when {@code settled} says every upload is recorded: checked without the lock, then
     * the flag is lowered only if no upload raised it meanwhile. {@code settled} must see every mark handed
     * to the writer before a raise that happened before it was called.
     */
    public void lowerIf(BooleanSupplier settled) {
        long seen;
        synchronized (this) {
            if (!raised || channel == null) {
                return;
            }
            seen = raises;
        }
        if (!settled.getAsBoolean()) {
            return;
        }
        synchronized (this) {
            if (raises != seen || !raised) {
                return;
            }
            try {
                write(channel, LOWERED);
            } catch (IOException e) {
                return; // stays raised: costs HEAD requests after a crash, loses nothing
            }
            raised = false;
            inherited = false;
        }
        log.info("{}: every upload is recorded in the state store again", file);
    }

    @Override
    public synchronized void close() {
        closeQuietly(channel);
    }

    private static void write(FileChannel channel, byte value) throws IOException {
        channel.write(ByteBuffer.wrap(new byte[] {value}), 0);
        channel.force(true);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the flag file failed: {}", e.toString());
        }
    }
}
