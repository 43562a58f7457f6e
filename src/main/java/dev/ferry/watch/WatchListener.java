package dev.ferry.watch;

import java.nio.file.Path;

/** What the watcher reports. Called on the watcher's thread: implementations must not block. */
public interface WatchListener {

    /** A file was created or modified. */
    void fileChanged(Path path);

    /** A file was deleted (or renamed away). */
    void fileDeleted(Path path);

    /** A directory appeared (its contents may predate its watch): sweep it. */
    void directoryCreated(Path path);

    /** Events may have been lost (overflow, watcher error): sweep everything. */
    void rescan(String reason);

    /** The watcher stopped working; only sweeps will find changes until it is restarted. */
    void failed(String reason);
}
