package dev.ferry.transfer;

import java.io.IOException;

/** The local file's length differs from the expected one while it is read: it changed during the upload. */
final class FileChangedException extends IOException {
    FileChangedException(String message) {
        super(message);
    }
}
