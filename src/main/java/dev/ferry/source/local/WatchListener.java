package dev.ferry.source.local;

import java.nio.file.Path;

/** What the watcher reports. Called on the watcher's thread: implementations must not block. */
public interface WatchListener {

    /** A file was created or modified. */
    void fileChanged(Path path);

    /** A file was deleted (or renamed away). */
    void fileDeleted(Path path);

    /**
     * A watched folder was deleted or renamed away. The kernel reports it once, for the folder, not for each file
     * in it: what Ferry keeps of those files (their failed records) is looked at as a whole.
     */
    default void folderDeleted(Path folder) {
    }

    /** A directory appeared (its contents may predate its watch): sweep it. */
    void directoryCreated(Path path);

    /** Events may have been lost (overflow, watcher error): sweep everything. */
    void rescan(String reason);

    /** Something under {@code folder} could not be walked (it vanished meanwhile): sweep that folder. */
    void rescanFolder(Path folder, String reason);

    /**
     * A folder that exists cannot be watched (permission denied, too many open files): changes in it are not
     * reported until a new watcher registers it.
     */
    void folderUnwatched(Path folder, String reason);

    /** A folder reported unwatched changed (its permissions, say): it may be watchable now. */
    void unwatchedFolderChanged(Path folder);

    /** Registration of the tree is done (whatever could be registered): events flow from now on. */
    void watching();

    /** The watcher stopped working; only sweeps will find changes until it is restarted. */
    void failed(String reason);
}
