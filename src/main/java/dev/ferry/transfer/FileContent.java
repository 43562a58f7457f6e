package dev.ferry.transfer;

import dev.ferry.core.ItemContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * Streams an item's content to the SDK, once per attempt, failing when its length is not the expected one.
 * Closes the stream of the previous attempt when the SDK asks for a new one, and the last one on close.
 */
final class FileContent implements ContentStreamProvider, AutoCloseable {
    private final ItemContent file;
    private final long expected;
    private InputStream current;

    FileContent(ItemContent file, long expected) {
        this.file = file;
        this.expected = expected;
    }

    @Override
    public synchronized InputStream newStream() {
        closeCurrent();
        try {
            current = LocalFiles.open(file, expected);
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "FerryFileContent";
    }

    @Override
    public synchronized void close() {
        closeCurrent();
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // a read-only file stream: nothing is lost when closing it fails
            }
            current = null;
        }
    }
}
