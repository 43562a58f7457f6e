package dev.ferry.engine;

import dev.ferry.core.Checksums;
import dev.ferry.core.Destination;
import dev.ferry.core.FileStat;
import dev.ferry.core.ItemVersion;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.RemoteObject;
import dev.ferry.core.SettleRule;
import dev.ferry.core.Source;
import dev.ferry.core.TransferException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a suspect file (same size and mtime as what S3 holds, but its ctime or inode moved) still has the
 * content that was uploaded: its MD5 against the recorded checksum, or, when the record has none (written by
 * an older release, or confirmed from a listing), against the MD5 S3 reports (the ETag of a single-part object
 * or the {@code md5chksum} metadata of a multipart one). Runs on a worker: it reads the whole file.
 */
final class ContentCheck {

    /** What the check found. */
    sealed interface Result {
    }

    /** The content is the one S3 holds; {@code md5} is its checksum. */
    record Same(String md5) implements Result {
    }

    /** The content differs from what S3 holds, or cannot be shown to be the same: upload it. */
    record Differs(String why) implements Result {
    }

    /** The file changed again while it was read: look at it once it settles. */
    record Moved() implements Result {
    }

    private ContentCheck() {
    }

    /** When an item whose ctime moved less than the settle time ago is quiet; empty when it already is. */
    static Optional<Instant> ctimeQuietAt(FileStat stat, SettleRule settle, Instant now) {
        return settle.quietAt(Instant.ofEpochSecond(0, stat.ctimeNanos()), now);
    }

    /**
     * True when the file holds the content whose MD5 is {@code md5} and is still at {@code stat} after it was
     * read: after an upload during which only its ctime or inode moved, the bytes sent are the file's.
     */
    static boolean holds(Source source, String item, FileStat stat, String md5) {
        try {
            return md5Hex(source, item, stat).equalsIgnoreCase(md5)
                    && source.version(item).map(ItemVersion::stat).equals(Optional.of(stat));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * @param expectedMd5 the recorded checksum of the uploaded content, "" when not known
     * @throws TransferException when S3 must be asked and cannot answer
     */
    static Result check(Source source, String item, FileStat stat, String expectedMd5, ObjectStore store,
            Destination dest) {
        Result read = read(source, item, stat);
        if (!(read instanceof Same same)) {
            return read;
        }
        String local = same.md5();
        if (!expectedMd5.isEmpty()) {
            return expectedMd5.equalsIgnoreCase(local) ? new Same(local)
                    : new Differs("content changed with the same size and mtime (MD5 " + local + ", uploaded "
                            + expectedMd5 + ")");
        }
        return compare(local, store.head(dest.bucket(), dest.key()));
    }

    /**
     * Whether {@code remote}, an object already found to have the file's size and mtime, holds the file's content:
     * the MD5 S3 reports against the file's. Size and mtime cannot tell a rewrite that put the old mtime back.
     */
    static Result check(Source source, String item, FileStat stat, RemoteObject remote) {
        Result read = read(source, item, stat);
        return read instanceof Same same ? compare(same.md5(), Optional.of(remote)) : read;
    }

    /** The file's MD5 as {@link Same}, or why it cannot be had: {@link Moved} or {@link Differs}. */
    private static Result read(Source source, String item, FileStat stat) {
        try {
            String local = md5Hex(source, item, stat);
            Optional<FileStat> after = source.version(item).map(ItemVersion::stat);
            if (after.isEmpty() || !after.get().equals(stat)) {
                return new Moved();
            }
            return new Same(local);
        } catch (IOException e) {
            return new Differs("cannot read it to compare its content (" + Uploader.describe(e) + ")");
        }
    }

    private static Result compare(String local, Optional<RemoteObject> remote) {
        if (remote.isEmpty()) {
            return new Differs("not in S3");
        }
        Optional<String> remoteMd5 = remote.get().md5Hex();
        if (remoteMd5.isEmpty()) {
            return new Differs("content may have changed with the same size and mtime, and neither the record nor "
                    + "S3 gives the uploaded MD5 to compare");
        }
        return remoteMd5.get().equalsIgnoreCase(local) ? new Same(local)
                : new Differs("content changed with the same size and mtime (MD5 " + local + ", S3 holds "
                        + remoteMd5.get() + ")");
    }

    /** The MD5 of the item's content as it is now, read whole through its source. */
    private static String md5Hex(Source source, String item, FileStat stat) throws IOException {
        try (InputStream in = source.content(item).open(0, stat.size())) {
            return Checksums.md5Hex(in);
        }
    }
}
