package dev.ferry.wiring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Ferry process per SQLite state folder: two would each decide from records the other has not written yet,
 * and upload the same files twice. The lock is the operating system's lock on {@code ferry.lock} in the folder,
 * held until the process ends (also by {@code kill -9}, so a crash never leaves it behind). Within one process
 * (a periodic sync, tests) the folder is taken once and shared.
 */
final class StateFolderLock {
    static final String FILE = "ferry.lock";

    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

    private StateFolderLock() {
    }

    /**
     * Takes the folder for this process, or throws naming the process that has it.
     *
     * @throws StartupException when another process holds it, or the lock file cannot be written
     */
    static void take(Path folder) {
        Path file = folder.resolve(FILE).toAbsolutePath().normalize();
        HELD.computeIfAbsent(file, StateFolderLock::lock);
    }

    private static FileLock lock(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            // The folder cannot be written (read-only, no permission): nothing to do with another process, and the
            // state store that follows says why it cannot be used.
            org.slf4j.LoggerFactory.getLogger(StateFolderLock.class).debug("{}: cannot open the lock file ({})",
                    file.getParent(), e.toString());
            return null;
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new StartupException("STATE_DIR: " + file.getParent() + " is in use by another Ferry process"
                        + holder + "; two on one state store would upload files twice. Stop that one, or give this "
                        + "one its own --state-dir (STATE_DIR)", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                    0);
            return lock; // the channel stays open as long as the process: closing it would release the lock
        } catch (IOException e) {
            // a file system without locks: the folder is usable, but a second process on it would not be refused
            closeQuietly(channel);
            org.slf4j.LoggerFactory.getLogger(StateFolderLock.class).warn("{}: cannot lock the state folder ({}): "
                    + "its file system offers no locks, so a second Ferry process on it would not be refused",
                    file.getParent(), e.toString());
            return null;
        }
    }

    /** " (pid N)" from the lock file, or "" when it does not say. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            channel.read(buf, 0);
            String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the open failed already; that is the error reported
            }
        }
    }
}
