package dev.ferry.source.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Notices when the watched folder itself goes away or is replaced. Native watching follows a directory's
 * inode, not its name: after {@code mv root old; mkdir root} (a restore, a rotation) it keeps watching the old
 * directory and reports nothing; after the root is deleted it reports nothing more. So the folder's identity
 * (its device and inode, the file key) is read at most once per {@code every} — one stat(2), cheap enough to
 * do every second — and compared with the identity of the folder that was watched. A symbolic link as the
 * root is followed: pointing it at another folder is a replacement too.
 */
public final class RootMonitor {

    /** What a check found. */
    public sealed interface Change {
    }

    /** The folder is gone (deleted, renamed away, its disk unmounted) or cannot be read. */
    public record Missing(String reason) implements Change {
    }

    /** Another directory now has the folder's name. */
    public record Replaced() implements Change {
    }

    /** The folder is there again after being missing for {@code after}. */
    public record Back(Duration after) implements Change {
    }

    /** Reads a directory's identity; empty with the reason when there is no readable directory. */
    @FunctionalInterface
    public interface IdentityReader {
        Identity read(Path root);
    }

    /** A folder's identity (file key), or why there is none. */
    public record Identity(Optional<Object> key, String problem) {
        static Identity of(Object key) {
            return new Identity(Optional.of(key), "");
        }

        static Identity missing(String problem) {
            return new Identity(Optional.empty(), problem);
        }
    }

    private final Path root;
    private final Clock clock;
    private final Duration every;
    private final IdentityReader reader;
    private Object watched;
    private Instant missingSince;
    private Instant nextCheck = Instant.MIN;

    public RootMonitor(Path root, Clock clock, Duration every) {
        this(root, clock, every, RootMonitor::identityOf);
    }

    RootMonitor(Path root, Clock clock, Duration every, IdentityReader reader) {
        this.root = root;
        this.clock = clock;
        this.every = every;
        this.reader = reader;
    }

    /** Checks if one is due (at most once per {@code every}). */
    public synchronized Optional<Change> check() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return Optional.empty();
        }
        return checkNow();
    }

    /** Checks now (when the watcher stopped: was it because its folder went away?). */
    public synchronized Optional<Change> checkNow() {
        Instant now = clock.instant();
        nextCheck = now.plus(every);
        Identity current = reader.read(root);
        if (current.key().isEmpty()) {
            if (missingSince != null) {
                return Optional.empty();
            }
            missingSince = now;
            watched = null;
            return Optional.of(new Missing(current.problem()));
        }
        Object key = current.key().get();
        if (missingSince != null) {
            Duration after = Duration.between(missingSince, now);
            missingSince = null;
            watched = key;
            return Optional.of(new Back(after));
        }
        if (watched == null) {
            watched = key; // the first check: this is the folder being watched
            return Optional.empty();
        }
        if (!watched.equals(key)) {
            watched = key;
            return Optional.of(new Replaced());
        }
        return Optional.empty();
    }

    /** True while the last check found the folder missing. */
    public synchronized boolean missing() {
        return missingSince != null;
    }

    static Identity identityOf(Path root) {
        try {
            BasicFileAttributes a = Files.readAttributes(root, BasicFileAttributes.class);
            if (!a.isDirectory()) {
                return Identity.missing("it is not a directory any more");
            }
            return Identity.of(Objects.requireNonNullElse(a.fileKey(), a.creationTime()));
        } catch (NoSuchFileException e) {
            return Identity.missing("it does not exist");
        } catch (IOException e) {
            return Identity.missing("cannot read it: " + e);
        }
    }
}
