package dev.ferry.transfer;

import java.io.IOException;

/**
 * Reading the local file failed. Wraps the original so that an I/O error on the disk is told apart from a
 * network error when both surface through the SDK as the cause of one client exception.
 */
final class LocalReadException extends IOException {
    LocalReadException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
