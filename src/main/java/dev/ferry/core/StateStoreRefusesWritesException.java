package dev.ferry.core;

/**
 * The store refuses every write for now, whatever the records: its disk is full, its file read-only or gone, its lock
 * held elsewhere ({@link StateStoreBusyException}). Nothing is wrong with the records, which wait in memory and are
 * written once it takes writes again; none is given up as a bad one.
 */
public class StateStoreRefusesWritesException extends StateStoreException {
    public StateStoreRefusesWritesException(String message, Throwable cause) {
        super(message, cause);
    }
}
