package dev.ferry.state;

import dev.ferry.core.FileStatus;

/** Small rules both stores share for reading stored values and checking arguments. */
final class StoredValues {

    private StoredValues() {
    }

    /** An unknown or missing status (from a newer Ferry, or by hand) reads as PENDING: the file is looked at again. */
    static FileStatus status(String name) {
        if (name == null) {
            return FileStatus.PENDING;
        }
        try {
            return FileStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            return FileStatus.PENDING;
        }
    }

    static void checkPage(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0, got offset " + offset
                    + ", limit " + limit);
        }
    }
}
