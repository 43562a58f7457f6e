package dev.ferry.replicate;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a byte range of an object: the content of a bucket's item. An interface rather than a method of
 * {@link dev.ferry.core.ObjectStore}, so this package needs no SDK type and a test can serve content from memory.
 */
@FunctionalInterface
public interface RangeReader {
    /** {@code length} bytes of {@code bucket/key} from {@code offset}; the caller closes the stream. */
    InputStream open(String bucket, String key, long offset, long length) throws IOException;
}
