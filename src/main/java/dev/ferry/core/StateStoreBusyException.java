package dev.ferry.core;

/**
 * The store is held by someone else for longer than it waits (SQLite's write lock, taken by a backup or the
 * {@code sqlite3} shell): nothing is wrong with the records, which are written once it is free.
 */
public class StateStoreBusyException extends StateStoreRefusesWritesException {
    public StateStoreBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
